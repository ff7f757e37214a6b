"""The keyed query API: filters, accent-free text, sort, pages, fields, JSON and CSV, row lookup."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from .conftest import FACILITIES

ROWS = "/v1/datasets/co-so-y-te/co-so"


@pytest.fixture
def key(api) -> str:
    return api.register()


def names(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [r["ten"] for r in response.json()["rows"]]


def test_cells_keep_leading_zeros_and_take_their_schema_types(api, key):
    row = api.get(ROWS, key, params={"ma_co_so": "00103"}).json()["rows"][0]
    assert row == {"ma_co_so": "00103", "ten": "Phòng khám Hà Nội - Vĩnh Phúc", "huyen": "Huyện Bình Xuyên",
                   "so_giuong": 20, "von_ty": 3.25, "cong_lap": False, "ngay": "2019-01-05",
                   "dien_thoai": "0912345678"}
    blank = api.get(ROWS, key, params={"ma_co_so": "00104"}).json()["rows"][0]
    assert blank["von_ty"] is None  # an empty cell is null, not 0 or ""


def test_accent_free_text_finds_vietnamese(api, key):
    assert names(api.get(ROWS, key, params={"ten__contains": "ha noi"})) == [
        "Phòng khám Hà Nội - Vĩnh Phúc", "Bệnh viện Đa khoa Hà Nội 2"]
    # đ folds to d, case does not matter, and the search box (q) looks in every text field.
    assert names(api.get(ROWS, key, params={"ten__contains": "DAO TU"})) == ["Trạm y tế xã Đạo Tú"]
    assert names(api.get(ROWS, key, params={"q": "dong da"})) == ["Trạm y tế phường Đống Đa"]
    assert names(api.get(ROWS, key, params={"huyen__fold": "huyen tam dao"})) == ["Trung tâm Y tế huyện Tam Đảo"]
    assert names(api.get(ROWS, key, params={"ten__startswith": "benh vien da"})) == [
        "Bệnh viện Đa khoa tỉnh", "Bệnh viện Đa khoa Hà Nội 2"]
    # LIKE wildcards in the input are literal.
    assert names(api.get(ROWS, key, params={"ten__contains": "%"})) == []


def test_equals_and_ranges_compare_as_the_schema_types(api, key):
    big = names(api.get(ROWS, key, params={"so_giuong__gte": "100", "_sort": "-so_giuong"}))
    assert big == ["Bệnh viện Đa khoa tỉnh", "Bệnh viện Sản Nhi", "Trung tâm Y tế huyện Tam Đảo"]  # 850 > 500 > 150
    assert names(api.get(ROWS, key, params={"so_giuong__gt": "20", "so_giuong__lt": "100"})) == [
        "Bệnh viện Đa khoa Hà Nội 2"]
    assert names(api.get(ROWS, key, params={"von_ty__lte": "0.5"})) == ["Trạm y tế phường Đống Đa"]
    assert names(api.get(ROWS, key, params={"ngay__lt": "2010-01-01"})) == ["Trạm y tế phường Đống Đa"]
    assert names(api.get(ROWS, key, params={"cong_lap": "false"})) == [
        "Phòng khám Hà Nội - Vĩnh Phúc", "Bệnh viện Đa khoa Hà Nội 2"]
    assert names(api.get(ROWS, key, params={"ma_co_so__in": "00102,00105"})) == [
        "Bệnh viện Sản Nhi", "Trung tâm Y tế huyện Tam Đảo"]
    assert names(api.get(ROWS, key, params={"von_ty__null": "true"})) == ["Trạm y tế xã Đạo Tú"]
    assert len(names(api.get(ROWS, key, params={"huyen__ne": "Huyện Lập Thạch", "_limit": 1000}))) == len(
        [f for f in FACILITIES if f[2] != "Huyện Lập Thạch"])


def test_text_sorts_ignore_accents(api, key):
    got = names(api.get(ROWS, key, params={"ma_co_so__in": "00101,00103,00104,00105", "_sort": "ten"}))
    assert got == ["Bệnh viện Đa khoa tỉnh", "Phòng khám Hà Nội - Vĩnh Phúc", "Trạm y tế xã Đạo Tú",
                   "Trung tâm Y tế huyện Tam Đảo"]


def test_pages_follow_next_links_without_overlap(api, key):
    seen, url, pages = [], ROWS + "?_limit=25&_count=1&_fields=ma_co_so", 0
    while url:
        r = api.get(url, key)
        body = r.json()
        assert body["total"] == len(FACILITIES) and list(body["fields"][0]) == ["name", "type", "title"]
        seen += [row["ma_co_so"] for row in body["rows"]]
        url, pages = body["next"], pages + 1
    assert pages == 3 and seen == [f[0] for f in FACILITIES]


def test_choose_fields_and_csv_output(api, key):
    r = api.get(ROWS, key, params={"_fields": "ma_co_so,dien_thoai,cong_lap", "huyen": "Thành phố Vĩnh Yên",
                                   "_format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows == [["ma_co_so", "dien_thoai", "cong_lap"], ["00101", "02113981616", "true"],
                    ["00102", "02113797977", "true"], ["00107", "0559000333", "true"]]
    assert api.get(ROWS, key, params={"_limit": 1}, headers={"Accept": "text/csv"}).text.startswith("ma_co_so,")


@pytest.mark.parametrize("params,field", [
    ({"khong_co": "1"}, "khong_co"), ({"ten__regex": "x"}, "ten__regex"), ({"so_giuong": "nhiều"}, "so_giuong"),
    ({"_sort": "khong_co"}, "khong_co"), ({"_limit": "0"}, "_limit"), ({"_limit": "100000"}, "_limit"),
    ({"_format": "xml"}, "_format"), ({"_fields": "ten,khong_co"}, "khong_co"), ({"_bogus": "1"}, "_bogus"),
])
def test_bad_queries_say_what_is_wrong_in_both_languages(api, key, params, field):
    r = api.get(ROWS, key, params=params)
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["code"] == "bad-query" and error["field"] == field and error["vi"] and error["en"]


def test_single_row_lookup_by_primary_key(api, key):
    r = api.get(ROWS + "/rows/00105", key)
    assert r.status_code == 200 and r.json()["row"]["ten"] == "Trung tâm Y tế huyện Tam Đảo"
    assert api.get(ROWS + "/rows/105", key).status_code == 404  # the leading zeros are part of the code
    r = api.get("/v1/datasets/dan-so/dan-so/rows/2024,Phúc Yên", key)  # composite key, in schema order
    assert r.status_code == 200 and r.json()["row"] == {"nam": 2024, "don_vi": "Phúc Yên", "dan_so": 111500}
    assert api.get("/v1/datasets/dan-so/dan-so/rows/2024", key).status_code == 400


def test_unknown_dataset_or_table_is_404_and_lists_the_tables(api, key):
    r = api.get("/v1/datasets/khong-co/bang", key)
    assert r.status_code == 404 and r.json()["error"]["code"] == "dataset-not-found"
    r = api.get("/v1/datasets/dan-so/thuyet-minh", key)  # a PDF is not a table
    assert r.status_code == 404 and "dan-so" in r.json()["error"]["en"]


def test_dataset_list_shows_queryable_tables(api):
    body = api.get("/v1/datasets").json()
    tables = {d["id"]: [t["resource"] for t in d["tables"]] for d in body["datasets"]}
    assert tables == {"co-so-y-te": ["co-so"], "dan-so": ["dan-so"]}


def test_usage_is_counted_per_key_dataset_and_month(api, key):
    for _ in range(3):
        api.get(ROWS, key, params={"_limit": 2})
    api.get("/v1/datasets/dan-so/dan-so", key)
    usage = api.admin("GET", "/admin/usage").json()["usage"]
    by_dataset = {u["dataset"]: (u["requests"], u["rows_returned"]) for u in usage}
    assert by_dataset == {"co-so-y-te": (3, 6), "dan-so": (1, 4)}
    assert all(len(u["month"]) == 7 for u in usage)


def test_a_new_build_is_picked_up_without_a_restart(make_api, tmp_path):
    from .conftest import FACILITY_SCHEMA, publish_conversion, write_site

    site = write_site(tmp_path / "site")
    api = make_api(site=site)
    key = api.register()
    assert api.get(ROWS, key, params={"_limit": 1}).status_code == 200
    header = [f["name"] for f in FACILITY_SCHEMA["fields"]]
    conversion = publish_conversion(site, "co-so-y-te", "co-so", header,
                                    [("00999", "Bệnh viện Mới", "X", "1", "1", "true", "2025-01-01", "0912000000")])
    catalog = site / "api" / "v1" / "catalog.json"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("2025-03-04", "2025-03-05"), encoding="utf-8")
    detail = site / "api" / "v1" / "datasets" / "co-so-y-te.json"
    d = json.loads(detail.read_text(encoding="utf-8"))
    d["resources"][0]["conversions"] = conversion
    detail.write_text(json.dumps(d, ensure_ascii=False), encoding="utf-8")
    api.fn.maybe_reload()
    assert names(api.get(ROWS, key)) == ["Bệnh viện Mới"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["ten", "so_giuong", "von_ty", "cong_lap", "ngay", "x", "_sort", "_limit",
                                           "_offset", "_fields", "q", "ten__contains", "so_giuong__gte",
                                           "ma_co_so__in", "von_ty__null", "ngay__lt", "ten__bad", "_count"]),
                          st.text(max_size=30)), max_size=5))
def test_any_query_gets_an_answer_never_a_crash(api, key, params):
    r = api.get(ROWS, key, params=params)
    assert r.status_code in (200, 400), r.text
    body = r.json()
    assert ("rows" in body) if r.status_code == 200 else (body["error"]["vi"] and body["error"]["en"])
