"""Which tables the function serves and how it types them: only a published CSV conversion whose sha256
matches the dataset JSON, inside its dataset's folder, typed cell for cell as the build's JSON conversion."""

from __future__ import annotations

import json
import logging
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from generator.publish.downloads.conversions import converter, json_literal
from opendata_function.datastore import typer

from .conftest import PORTAL_URL, write_site

ROWS = "/v1/datasets/co-so-y-te/co-so"
POPULATION = "/v1/datasets/dan-so/dan-so"


def edit_resource(site: Path, dataset_id: str, change) -> None:
    """Change a resource of the dataset JSON as a broken or hostile build could publish it."""
    path = site / "api" / "v1" / "datasets" / f"{dataset_id}.json"
    detail = json.loads(path.read_text(encoding="utf-8"))
    change(detail["resources"][0])
    path.write_text(json.dumps(detail, ensure_ascii=False), encoding="utf-8")


def test_a_conversion_that_fails_its_sha256_is_refused(make_api, tmp_path, monkeypatch):
    site = write_site(tmp_path / "site")
    converted = site / "datasets/co-so-y-te/converted/co-so.csv"
    published = converted.read_bytes()
    converted.write_bytes(published.replace(b"850", b"999"))  # altered after the build, or not uploaded yet
    api = make_api(site=site)
    key = api.register()
    r = api.get(ROWS, key)
    assert r.status_code == 503 and r.headers["retry-after"]
    error = r.json()["error"]
    assert error["code"] == "table-mismatch" and "sha256" in error["en"] and "sha256" in error["vi"]
    assert "datasets/co-so-y-te/converted/co-so.csv" in error["en"]
    assert api.get(POPULATION, key).status_code == 200  # the other tables are served
    health = api.get("/health").json()
    assert health["ok"] and health["tables_unavailable"] == 1
    assert [(u["dataset"], u["resource"]) for u in health["unavailable"]] == [("co-so-y-te", "co-so")]
    assert "differs from" in health["unavailable"][0]["reason"]
    # The right file arrives after the JSON (a deploy uploading in that order): served once retried.
    monkeypatch.setattr("opendata_function.datastore.RETRY_SECONDS", 0.0)
    converted.write_bytes(published)
    rows = api.get(ROWS, key, params={"ma_co_so": "00101"}).json()["rows"]
    assert rows[0]["so_giuong"] == 850 and api.get("/health").json()["tables_unavailable"] == 0


@pytest.mark.parametrize("change,reason", [
    (lambda res: res.pop("conversions"), "no conversion published"),
    (lambda res: res.update(conversions={"rows": 0, "files": [], "error": "no sheet named “2”"}), "no sheet named"),
    (lambda res: res["conversions"]["files"][0].update(sha256=""), "no sha256"),
    (lambda res: res["conversions"]["files"][0].update(url="https://elsewhere.example/co-so.csv"),
     "not under the portal's address"),
    (lambda res: res["conversions"]["files"][0].update(url=PORTAL_URL + "datasets/co-so-y-te/../dan-so/converted/dan-so.csv"),
     "outside datasets/co-so-y-te/"),
    (lambda res: res["conversions"]["files"][0].update(url=PORTAL_URL + "datasets/dan-so/converted/dan-so.csv"),
     "outside datasets/co-so-y-te/"),
    (lambda res: res["conversions"]["files"][0].update(path="/etc/passwd"), "outside datasets/co-so-y-te/"),
    (lambda res: res["conversions"]["files"][0].update(url=PORTAL_URL + "datasets/co-so-y-te/%2E%2E/x.csv"),
     "outside datasets/co-so-y-te/"),
])
def test_a_table_without_a_usable_conversion_is_not_served(make_api, tmp_path, caplog, change, reason):
    site = write_site(tmp_path / "site")
    edit_resource(site, "co-so-y-te", change)
    with caplog.at_level(logging.ERROR, logger="opendata_function"):
        api = make_api(site=site)
    assert any("co-so-y-te/co-so not served" in m and reason in m for m in caplog.messages), caplog.messages
    key = api.register()
    r = api.get(ROWS, key)
    assert r.status_code == 503, r.text  # not a 500, not rows read from the original
    assert r.json()["error"]["code"] == "table-not-converted" and r.json()["error"]["vi"]
    listed = {d["id"]: [t["resource"] for t in d["tables"]] for d in api.get("/v1/datasets").json()["datasets"]}
    assert listed == {"co-so-y-te": [], "dan-so": ["dan-so"]}
    health = api.get("/health").json()
    assert health["ok"] and health["tables"] == 1 and health["tables_unavailable"] == 1
    assert reason in health["unavailable"][0]["reason"]
    assert api.get(POPULATION, key).status_code == 200


def test_the_original_is_never_read(make_api, tmp_path):
    site = write_site(tmp_path / "site")
    (site / "datasets/co-so-y-te/files/co-so.csv").write_bytes(b"\x00garbage that is no table")
    api = make_api(site=site)
    rows = api.get(ROWS, api.register(), params={"ma_co_so": "00101"}).json()["rows"]
    assert rows[0]["ten"] == "Bệnh viện Đa khoa tỉnh"


def test_a_schema_change_alone_retypes_the_table(make_api, tmp_path):
    """Same CSV, new schema (so_giuong from integer to string): the next build's typing is served."""
    site = write_site(tmp_path / "site")
    api = make_api(site=site)
    key = api.register()
    assert api.get(ROWS, key, params={"ma_co_so": "00101"}).json()["rows"][0]["so_giuong"] == 850
    edit_resource(site, "co-so-y-te", lambda res: res["schema"]["fields"][3].update(type="string"))
    catalog = site / "api" / "v1" / "catalog.json"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace("2025-03-04", "2025-03-05"), encoding="utf-8")
    api.fn.maybe_reload()
    assert api.get(ROWS, key, params={"ma_co_so": "00101"}).json()["rows"][0]["so_giuong"] == "850"


def test_numbers_sqlite_cannot_hold_are_served_as_published(make_api, tmp_path):
    from .conftest import FACILITY_SCHEMA, publish_conversion

    site = write_site(tmp_path / "site")
    header = [f["name"] for f in FACILITY_SCHEMA["fields"]]
    big = "123456789012345678901234567890"
    conversion = publish_conversion(site, "co-so-y-te", "co-so", header,
                                    [("00001", "A", "X", big, "1,5", "true", "2025-01-01", "0912000000"),
                                     ("00002", "B", "X", "-9223372036854775809", "2", "1", "2025-01-01", "")])
    edit_resource(site, "co-so-y-te", lambda res: res.update(conversions=conversion))
    api = make_api(site=site)
    key = api.register()
    r = api.get(ROWS, key)
    assert r.status_code == 200, r.text
    rows = json.loads(r.text)
    assert [row["so_giuong"] for row in rows["rows"]] == [int(big), -9223372036854775809]
    assert [row["cong_lap"] for row in rows["rows"]] == [True, True]
    assert api.get(ROWS + "/rows/00001", key).json()["row"]["so_giuong"] == int(big)
    assert [x["ma_co_so"] for x in api.get(ROWS, key, params={"so_giuong": big}).json()["rows"]] == ["00001"]


def test_a_comma_inside_a_composite_key_value(make_api, tmp_path):
    from .conftest import publish_conversion

    site = write_site(tmp_path / "site")
    conversion = publish_conversion(site, "dan-so", "dan-so", ["nam", "don_vi", "dan_so"],
                                    [("2024", "Phúc Yên, Vĩnh Phúc", "1"), ("2024", "a,b", "c"), ("2024", "a", "b,c")])

    def change(res):
        res.update(conversions=conversion)
        res["schema"] = {"fields": [{"name": "nam", "type": "integer"}, {"name": "don_vi", "type": "string"},
                                    {"name": "dan_so", "type": "string"}], "primaryKey": ["don_vi", "dan_so"]}
    edit_resource(site, "dan-so", change)
    api = make_api(site=site)
    key = api.register()
    assert api.get(POPULATION + "/rows/Phúc Yên, Vĩnh Phúc,1", key).json()["row"]["don_vi"] == "Phúc Yên, Vĩnh Phúc"
    assert api.get(POPULATION + "/rows/a%2Cb,c", key).json()["row"] == {"nam": 2024, "don_vi": "a,b", "dan_so": "c"}
    assert api.get(POPULATION + "/rows/a,b%2Cc", key).json()["row"] == {"nam": 2024, "don_vi": "a", "dan_so": "b,c"}
    r = api.get(POPULATION + "/rows/a,b,c", key)  # two rows fit: the answer says how to tell them apart
    assert r.status_code == 400 and "%2C" in r.json()["error"]["en"] and "%2C" in r.json()["error"]["vi"]


# --- one typing rule, written twice (the function deploys without the generator) -----------------

CELL = st.text(alphabet="0123456789+-.,eE %€ tTrRuUfFaAlLsS\u00a0١", max_size=12) | st.sampled_from(
    ["", "0", "-0", "007", "1e3", "1E+400", "1e-400", ".5", "5.", "1,234.5", "1.234,5", "true", "False", "NA",
     "  12", "12 ", "12%", "€ 3", "9" * 30, "0x10", "1_000", "nan", "inf", "١٢"])
SPEC = st.fixed_dictionaries(
    {"type": st.sampled_from(["integer", "number", "year", "boolean", "string", "date", "any"])},
    optional={"decimalChar": st.sampled_from([",", "."]), "groupChar": st.sampled_from([",", ".", " "]),
              "bareNumber": st.booleans(), "trueValues": st.just(["có", "1"]), "falseValues": st.just(["không"])})
MISSING = st.sampled_from([[""], ["", "NA"], ["-"]])


@settings(max_examples=3000, deadline=None)
@given(spec=SPEC, missing=MISSING, text=CELL)
def test_cells_are_typed_as_the_json_conversion_types_them(spec, missing, text):
    build = converter(spec, set(missing))(text)
    served = typer(spec, set(missing))(text)
    published = json.loads(json_literal(build))
    if isinstance(build, Decimal) and abs(float(build)) == float("inf"):
        # JSON has no Infinity: a number beyond any float stays its text in the function.
        assert served == text
        return
    assert json.dumps(served) == json.dumps(published), (spec, text, build)
