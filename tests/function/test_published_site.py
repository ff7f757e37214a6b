"""The function on the real build of the sample portal (every table, value for value: test_published_parity.py)."""

from __future__ import annotations

import json

from ckanapi import RemoteCKAN


def test_sample_codes_and_phones_keep_leading_zeros(make_api, site):
    api = make_api(site=site)
    key = api.register()
    rows = api.get("/v1/datasets/co-so-kham-chua-benh/co-so-kham-chua-benh", key, params={"_limit": 1000}).json()["rows"]
    assert rows and all(r["dien_thoai"].startswith("0") for r in rows if r["dien_thoai"])
    first = rows[0]
    assert api.get(f"/v1/datasets/co-so-kham-chua-benh/co-so-kham-chua-benh/rows/{first['ma_co_so']}", key
                   ).json()["row"] == first
    found = api.get("/v1/datasets/co-so-kham-chua-benh/co-so-kham-chua-benh", key,
                    params={"huyen__contains": "vinh yen"}).json()["rows"]
    assert found and all("Vĩnh Yên" in r["huyen"] for r in found)


def test_ckan_clients_read_the_sample_portal(make_api, site):
    api = make_api(site=site)
    with RemoteCKAN(api.url, apikey=api.register()) as ckan:
        names = ckan.action.package_list()
        assert len(names) == json.loads((site / "api/v1/catalog.json").read_text(encoding="utf-8"))["count"]
        for name in names:
            pkg = ckan.action.package_show(id=name)
            assert pkg["name"] == name and pkg["resources"]
        sheet = next(r for r in ckan.action.package_show(id="quan-trac-khong-khi-2024")["resources"]
                     if r["datastore_active"])
        assert ckan.action.datastore_search(resource_id=sheet["id"], limit=2)["total"] > 0


def test_the_site_can_be_read_over_http(make_api, server):
    """A serverless function has no copy of the site: it reads the published files from the static host."""
    api = make_api(site=server)
    key = api.register()
    r = api.get("/v1/datasets/co-so-kham-chua-benh/co-so-kham-chua-benh", key, params={"_limit": 3, "_count": 1})
    assert r.status_code == 200 and r.json()["total"] > 3
    assert api.get("/health").json()["datasets"] == len(api.get("/v1/datasets").json()["datasets"])
