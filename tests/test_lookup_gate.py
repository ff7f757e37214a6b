"""Agencies opt a table in to the SMS/Zalo look-up in their descriptor; the gate checks what they name,
and the build publishes exactly that (the function's tests use what it published)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import copy_portal, run_cli

SCHOOLS = "data/so-gddt/truong-thpt"
COMPANIES = "data/so-khdt/doanh-nghiep-niem-yet"


@pytest.fixture
def small(tmp_path) -> Path:
    return copy_portal(tmp_path / "portal", [SCHOOLS, COMPANIES])


def _set_lookup(portal: Path, folder: str, value) -> Path:
    path = portal / folder / "datapackage.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    if value is None:
        data.pop("lookup", None)
    else:
        data["lookup"] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _errors(portal: Path) -> list[dict]:
    result = run_cli("validate", "--root", str(portal), "--offline", "--format", "json")
    return [e for t in json.loads(result.stdout)["tasks"] for e in t["errors"]]


def test_sample_opt_ins_pass(small):
    assert not _errors(small)


@pytest.mark.parametrize("lookup,where,vi,en", [
    ({"resource": "truong-thpt", "fields": ["ma_truong", "khong_co"], "show": ["ten_truong"]},
     "lookup.fields", "không có cột “khong_co”", "has no field “khong_co”"),
    ({"resource": "truong-thpt", "fields": ["ma_truong"], "show": ["ten_truong", "so_dien_thoai"]},
     "lookup.show", "không có cột “so_dien_thoai”", "has no field “so_dien_thoai”"),
    ({"resource": "bang-khac", "fields": ["ma_truong"], "show": ["ten_truong"]},
     "lookup.resource", "không có bảng “bang-khac”", "no table “bang-khac”"),
    ({"resource": "truong-thpt", "show": ["ten_truong"]},
     "lookup.fields", "phải là danh sách tên cột", "must be a list of field names"),
    ({"fields": ["ma_truong"], "show": ["ten_truong"], "code": "TRƯỜNG HỌC"},
     "lookup.code", "không hợp lệ", "is not valid"),
    ({"fields": ["ma_truong"], "show": ["ten_truong"], "answer": "x"},
     "lookup.answer", "không được hỗ trợ", "is not supported"),
    ("ma_truong", "lookup", "phải là bảng khóa", "must be a mapping"),
])
def test_opt_in_names_what_is_wrong_with_file_and_key(small, lookup, where, vi, en):
    path = _set_lookup(small, SCHOOLS, lookup)
    errors = [e for e in _errors(small) if e.get("type") == "lookup"]
    assert errors, _errors(small)
    e = errors[0]
    assert e["file"] == str(path.relative_to(small)) and e["where"] == where
    assert vi in e["message"] and en in e["message_en"]


def test_two_datasets_may_not_share_a_code(small):
    _set_lookup(small, COMPANIES, {"code": "thpt", "fields": ["ma_chung_khoan"], "show": ["ten_doanh_nghiep"]})
    errors = [e for e in _errors(small) if e.get("type") == "lookup"]
    assert errors and "“THPT”" in errors[0]["message"] and errors[0]["where"] == "lookup.code"


def test_the_build_publishes_what_the_gate_checked(small, tmp_path):
    out = tmp_path / "site"
    result = run_cli("build", "--root", str(small), "--out", str(out))
    assert result.returncode == 0, result.stderr
    catalogue = json.loads((out / "api/v1/lookup.json").read_text("utf-8"))
    assert {d["dataset"]: d["code"] for d in catalogue["datasets"]} == {"truong-thpt": "THPT",
                                                                          "doanh-nghiep-niem-yet": "CK"}
    index = json.loads((out / "api/v1/lookup/truong-thpt.json").read_text("utf-8"))
    assert [f["name"] for f in index["fields"]] == ["ma_truong", "ten_truong"]
    # Every row of the published CSV conversion, leading zeros kept, keys folded.
    converted = (out / "datasets/truong-thpt/converted/truong-thpt.csv").read_text("utf-8").splitlines()
    assert len(index["rows"]) == len(converted) - 1
    assert index["rows"][1] == [["002", "truong thpt tran phu"], ["Trường THPT Trần Phú", "Thành phố Vĩnh Yên",
                                                                  "02113747698", "1753", "true"]]
    # The page lists the codes; manifest covers the new files.
    page = (out / "tra-cuu/index.html").read_text("utf-8")
    assert "TRA THPT 001" in page and "<code>CK</code>" in page
    manifest = {f["path"] for f in json.loads((out / "manifest.json").read_text("utf-8"))["files"]}
    assert {"api/v1/lookup.json", "api/v1/lookup/truong-thpt.json", "tra-cuu/index.html"} <= manifest
    # Without any opt-in the build still publishes an empty look-up catalogue.
    _set_lookup(small, SCHOOLS, None)
    _set_lookup(small, COMPANIES, None)
    assert run_cli("build", "--root", str(small), "--out", str(out)).returncode == 0
    assert json.loads((out / "api/v1/lookup.json").read_text("utf-8"))["datasets"] == []
