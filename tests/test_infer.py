"""`opendata infer` drafts a Table Schema that the file then validates against."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
import yaml
from conftest import ROOT, shared
from frictionless import Resource, Schema, formats

from generator.gate.encoding import encode
from generator.cli import main as opendata
from generator.tables.infer import field_names, infer_schema


def main(argv: list[str]) -> int:
    return opendata(["infer", *argv])



def real(name: str) -> Path:
    return shared("fixtures/real", name)


def sample_tables() -> list[tuple[Path, str, str | None]]:
    """Every csv/xls/xlsx resource of the sample portal, with its sheet."""
    out = []
    for descriptor in sorted((ROOT / "data").glob("*/*/datapackage.yaml")):
        for res in yaml.safe_load(descriptor.read_text(encoding="utf-8"))["resources"]:
            if res.get("format") in ("csv", "xls", "xlsx"):
                sheet = ((res.get("dialect") or {}).get("excel") or {}).get("sheet")
                out.append((descriptor.parent / res["path"], res["format"], sheet))
    return out


def frictionless_errors(path: Path, schema: dict, sheet: str | None = None) -> list[str]:
    control = formats.ExcelControl(sheet=sheet) if sheet else None
    resource = Resource(path=path.name, basepath=str(path.parent), schema=Schema.from_descriptor(schema), control=control)
    report = resource.validate()
    errors = report.tasks[0].errors if report.tasks else report.errors
    return [f"{e.type}: {getattr(e, 'note', '')}" for e in errors]


def with_header(path: Path, schema: dict, out: Path) -> Path:
    """The file with its header row renamed to the schema's names, as `opendata infer` tells the agency to do."""
    lines = path.read_text(encoding="utf-8-sig").split("\n", 1)
    out.write_text(",".join(f["name"] for f in schema["fields"]) + "\n" + lines[1], encoding="utf-8")
    return out


def fields(schema: dict) -> dict[str, dict]:
    return {f["name"]: f for f in schema["fields"]}


TABLES = sample_tables()


@pytest.mark.parametrize("path,fmt,sheet", TABLES, ids=[f"{p.name}:{s or ''}" for p, _, s in TABLES])
def test_sample_portal_tables_validate_against_their_drafted_schema(path, fmt, sheet):
    schema = infer_schema(path, fmt, sheet=sheet)
    assert frictionless_errors(path, schema, sheet) == []


def test_sample_portal_has_tables_of_each_format():
    assert {fmt for _, fmt, _ in TABLES} == {"csv", "xls", "xlsx"}


@pytest.mark.parametrize("name", ["wards-pre2025.csv", "ethnic-minorities.csv", "listed-companies.csv"])
def test_real_files_validate_against_their_drafted_schema(tmp_path, name):
    schema = infer_schema(real(name), "csv")
    assert frictionless_errors(with_header(real(name), schema, tmp_path / name), schema) == []


def test_real_listed_companies_types():
    got = fields(infer_schema(real("listed-companies.csv"), "csv"))
    assert got["listing_date"]["type"] == "date" and got["listing_date"]["title"] == "listingDate"
    assert got["group"]["constraints"]["enum"] == ["HNX", "HNX30", "HOSE", "VN30"]
    assert "unique" not in got["symbol"].get("constraints", {})  # the real file lists L40 twice


def test_codes_and_phone_numbers_with_leading_zeros_stay_strings():
    got = fields(infer_schema(ROOT / "data/so-y-te/co-so-kham-chua-benh/co-so-kham-chua-benh.csv", "csv"))
    assert got["ma_co_so"]["type"] == "string"
    assert got["ma_co_so"]["constraints"] == {"required": True, "unique": True, "pattern": "^[0-9]{5}$"}
    assert got["dien_thoai"]["type"] == "string" and got["dien_thoai"]["constraints"]["pattern"] == "^0[0-9]{9,10}$"
    assert got["so_giuong_benh"]["type"] == "integer" and got["ngay_cap_phep_hoat_dong"]["type"] == "date"
    schema = infer_schema(ROOT / "data/cuc-thong-ke/xa-phuong-phu-tho-2025/xa-phuong-phu-tho.csv", "csv")
    assert fields(schema)["ma_xa"]["type"] == "string" and schema["primaryKey"] == ["ma_xa"]


def test_vietnamese_headers_give_ascii_names_and_keep_titles(tmp_path):
    src = tmp_path / "ds.csv"
    rows = ["Mã xã,Tên đơn vị,Số điện thoại,Ngày thành lập,Diện tích (km²),Dân số,Đạt chuẩn,Năm,Loại"]
    for i in range(60):
        rows.append(f"0{4792 + i},Xã Số {i},09123456{i:02d},{i % 28 + 1}/{i % 12 + 1}/2020,{i}.5,{1000 + i},"
                    f"{'true' if i % 2 else 'false'},{2020 + i % 3},{['Xã', 'Phường', 'Thị trấn'][i % 3]}")
    src.write_text("\n".join(rows) + "\n", encoding="utf-8")
    schema = infer_schema(src, "csv")
    got = fields(schema)
    assert list(got) == ["ma_xa", "ten_don_vi", "so_dien_thoai", "ngay_thanh_lap", "dien_tich_km2", "dan_so", "dat_chuan",
                         "nam", "loai"]
    assert [f["title"] for f in schema["fields"]][:2] == ["Mã xã", "Tên đơn vị"]
    assert got["ma_xa"]["type"] == "string" and got["ma_xa"]["constraints"]["unique"] is True
    assert got["so_dien_thoai"]["type"] == "string"
    assert got["ngay_thanh_lap"] == {"name": "ngay_thanh_lap", "title": "Ngày thành lập", "type": "date",
                                     "format": "%d/%m/%Y", "constraints": {"required": True}}
    assert got["dien_tich_km2"]["type"] == "number" and got["dan_so"]["type"] == "integer"
    assert got["dat_chuan"]["type"] == "boolean" and got["nam"]["type"] == "year"
    assert got["loai"]["constraints"]["enum"] == ["Phường", "Thị trấn", "Xã"]
    assert schema["primaryKey"] == ["ma_xa"]
    assert frictionless_errors(with_header(src, schema, tmp_path / "renamed.csv"), schema) == []


def test_empty_cells_drop_required_and_bad_dates_stay_strings(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text("ngay,ghi_chu,so\n31/02/2024,,1\n01/01/2024,x,2\n", encoding="utf-8")
    got = fields(infer_schema(src, "csv"))
    assert got["ngay"]["type"] == "string"  # 31/02 is no date: a date type would refuse the file
    assert "constraints" not in got["ghi_chu"]


def test_decimal_comma_numbers(tmp_path):
    src = tmp_path / "t.csv"
    src.write_text('ty_le;gia\n12,5;1.234.567,5\n3;2.000\n', encoding="utf-8")
    schema = infer_schema(src, "csv")
    got = fields(schema)
    assert got["ty_le"]["type"] == "number" and got["ty_le"]["decimalChar"] == ","
    assert got["gia"]["groupChar"] == "."
    assert frictionless_errors(src, schema) == []


def test_legacy_encoded_csv_is_read_through_the_encoding_check(tmp_path):
    src = tmp_path / "tcvn3.csv"
    src.write_bytes(encode("Tỉnh,Huyện,Xã\n" + "\n".join(
        line for line in (real("wards-pre2025.csv")).read_text(encoding="utf-8").splitlines()[1:]
        if line.startswith("Vĩnh Phúc,")) + "\n", "tcvn3"))
    schema = infer_schema(src, "csv")
    assert [f["name"] for f in schema["fields"]] == ["tinh", "huyen", "xa"]
    assert [f["title"] for f in schema["fields"]] == ["Tỉnh", "Huyện", "Xã"]


def test_names_are_unique_ascii_snake_case():
    assert field_names(["Mã xã", "Mã xã", "", "2024", "Đơn vị (đồng)", "listingDate"]) == \
        ["ma_xa", "ma_xa_2", "cot_3", "cot_2024", "don_vi_dong", "listing_date"]


def test_cli_prints_yaml_ready_to_paste(tmp_path, capsys):
    src = tmp_path / "ds.csv"
    src.write_text("Mã xã,Tên xã\n04792,Phường Tân Hòa\n04795,Phường Hòa Bình\n", encoding="utf-8")
    assert main([str(src)]) == 0
    out = capsys.readouterr().out
    assert "Phường" not in out  # cells are not printed, only the schema
    assert "title: Mã xã" in out  # allow_unicode: no \\u escapes
    assert "ma_xa,ten_xa" in out  # tells the agency the header row to use
    schema = yaml.safe_load(out)
    assert schema["fields"][0] == {"name": "ma_xa", "title": "Mã xã", "type": "string",
                                   "constraints": {"required": True, "unique": True, "pattern": "^[0-9]{5}$"}}
    assert main([str(src), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["primaryKey"] == ["ma_xa"]


def test_cli_reads_a_named_sheet(capsys):
    path = ROOT / "data/so-tnmt/quan-trac-khong-khi-2024/quan-trac-khong-khi-2024.xlsx"
    assert main([str(path), "--sheet", "Trạm quan trắc"]) == 0
    first = yaml.safe_load(capsys.readouterr().out)["fields"][0]
    assert first["name"] == "ma_tram" and first["type"] == "string"


@pytest.mark.parametrize("name,say_vi,say_en", [
    ("missing.csv", "không tìm thấy tệp", "file not found"),
    ("protected_sha512.xlsx", "mật khẩu", "password"),
    ("clusterfuzz-testcase-minimized-POIFuzzer-5040805309710336.xlsx", "hỏng", "corrupt"),
])
def test_cli_exit_1_names_the_file_that_cannot_be_read(capsys, name, say_vi, say_en):
    path = shared("fixtures/office") / name  # "missing.csv" is meant to be missing
    assert main([str(path)]) == 1
    err = capsys.readouterr().err
    assert str(path) in err and say_vi in err and say_en in err


def test_cli_unknown_sheet_is_exit_1(capsys):
    path = ROOT / "data/cuc-thong-ke/dan-so-theo-huyen/dan-so-theo-huyen.xls"
    assert main([str(path), "--sheet", "Không có"]) == 1
    assert "Dân số" in capsys.readouterr().err  # lists the sheets there are


def test_cli_usage_errors_are_exit_2(capsys):
    assert main([]) == 2
    assert main([str(shared("fixtures/office/quick.pdf"))]) == 2
    assert "csv" in capsys.readouterr().err
    assert main(["x.csv", "--format", "xml"]) == 2


def test_a_million_rows_are_typed_whole(tmp_path):
    n = 1_000_000
    table = pa.table({
        "ma": pa.array([f"{i:07d}" for i in range(n)]),
        "so": pa.array([str(i * 7 % 1000) for i in range(n)]),
        "ty_le": pa.array([f"{i % 100}.5" for i in range(n)]),
        "ngay": pa.array([f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d}" for i in range(n)]),
        "loai": pa.array([("Xã", "Phường")[i % 2] for i in range(n)]),
    })
    src = tmp_path / "big.csv"
    pcsv.write_csv(table, src)
    schema = infer_schema(src, "csv", sample_rows=n)
    assert [f["type"] for f in schema["fields"]] == ["string", "integer", "number", "date", "string"]
    assert schema["primaryKey"] == ["ma"]


def test_spreadsheet_number_cells_in_a_code_column_stay_numbers(tmp_path):
    import datetime as dt

    import openpyxl

    path = tmp_path / "t.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã huyện", "Mã xã", "Ngày", "Tỷ lệ"])
    for i in range(5):
        sheet.append([243 + i, f"0{4792 + i}", dt.date(2024, 1, i + 1), 1.5 + i])  # Mã xã typed as text
    book.save(path)
    schema = infer_schema(path, "xlsx")
    assert [f["type"] for f in schema["fields"]] == ["integer", "string", "date", "number"]
    assert frictionless_errors(with_header_xlsx(path, schema, tmp_path / "renamed.xlsx"), schema) == []


def with_header_xlsx(path: Path, schema: dict, out: Path) -> Path:
    import openpyxl

    book = openpyxl.load_workbook(path)
    for cell, field in zip(book.active[1], schema["fields"]):
        cell.value = field["name"]
    book.save(out)
    return out
