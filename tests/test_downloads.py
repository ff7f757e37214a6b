"""Downloads (Article 7.2b): CSV/JSON/XLSX conversions of every table and a zipped Data Package per dataset."""

from __future__ import annotations

import csv
import re
import datetime as dt
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import time
import unicodedata
import zipfile
from decimal import Decimal
from pathlib import Path

import frictionless
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import ROOT
from generator.portal.model import Dataset, Resource
from generator.publish.downloads import conversions, datapackage_zip, records as downloads
from generator.publish import urls
from generator.tables.reader import head
from standards_site import publish


@pytest.fixture(scope="session")
def out(tmp_path_factory):
    return publish(ROOT, tmp_path_factory.mktemp("downloads") / "site")


def tables(p):
    return [(d, r) for d in p.datasets for r in d.resources if r.tabular]


def original(r: Resource) -> tuple[list[str], list[list[str]]]:
    """The table as the site's first look reads it: every cell as text."""
    header, rows = head(r.source, r.format, r.sheet, rows=10**6)
    return header, [(row + [""] * len(header))[:len(header)] for row in rows]


def field_types(r: Resource) -> dict[str, dict]:
    return {f["name"]: f for f in r.schema["fields"]}


def expected_json(text: str, spec: dict):
    """What the JSON must hold for one original cell, by its Table Schema type."""
    kind = spec.get("type", "string")
    if text == "":
        return None
    if kind in ("integer", "year"):
        return int(text)
    if kind == "number":
        return Decimal(text)
    if kind == "boolean":
        return {"true": True, "True": True, "TRUE": True, "1": True,
                "false": False, "False": False, "FALSE": False, "0": False}[text]
    return text


def test_every_table_has_four_conversions_with_size_and_hash(out):
    made = {(c.dataset, c.resource): c for c in out.conversions}
    assert len(made) == len(tables(out.portfolio)) > 10
    for d, r in tables(out.portfolio):
        c = made[(d.id, r.name)]
        assert not c.error and not c.skipped
        assert [f.format for f in c.files] == ["csv", "csv-excel", "json", "xlsx"]
        for f in c.files:
            data = (out.site / f.path).read_bytes()
            assert f.path == urls.converted_file(d.id, r.name, f.format)
            assert (f.size, f.sha256) == (len(data), hashlib.sha256(data).hexdigest())
        entry = conversions.resource_json(c, out.portfolio.catalog.portal.base_url)
        assert entry["neutralised_cells"] == 0 and entry["rows"] == c.rows
        assert {f["url"] for f in entry["files"]} == {out.portfolio.catalog.portal.base_url + f.path for f in c.files}


@pytest.mark.parametrize("fmt", ["csv", "csv-excel", "json", "xlsx"])
def test_conversions_round_trip_every_sample_table(out, fmt):
    checked = 0
    for d, r in tables(out.portfolio):
        header, rows = original(r)
        types = field_types(r)
        path = out.site / urls.converted_file(d.id, r.name, fmt)
        if fmt in ("csv", "csv-excel"):
            text = path.read_bytes().decode("utf-8")
            # The CSV for Excel is the same text after a byte-order mark, which Excel needs to read UTF-8.
            assert text.startswith("\ufeff") == (fmt == "csv-excel")
            back = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))
            assert back[0] == header and back[1:] == rows, (d.id, r.name)
        elif fmt == "json":
            back = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
            assert len(back) == len(rows)
            for i, (obj, row) in enumerate(zip(back, rows)):
                assert list(obj) == header
                for name, text in zip(header, row):
                    want = expected_json(text, types[name])
                    got = obj[name]
                    assert got == want and type(got) is type(want) or (
                        isinstance(want, Decimal) and Decimal(str(got)) == want), (d.id, r.name, i + 1, name, text, got)
        else:
            sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
            back = [list(line) for line in sheet.iter_rows(values_only=True)]
            assert back[0] == [types[name].get("title") or name for name in header]  # people read the titles
            assert len(back) - 1 == len(rows)
            for i, (line, row) in enumerate(zip(back[1:], rows)):
                for name, text, got in zip(header, row, line):
                    want = expected_json(text, types[name])
                    if types[name].get("type") in ("date", "datetime") and isinstance(got, dt.datetime):
                        # A date cell (Excel keeps dates as days): the same day as the text.
                        shown = got.date().isoformat() if types[name]["type"] == "date" else got.isoformat()
                        assert shown == text, (d.id, r.name, i + 1, name, text, got)
                    elif isinstance(want, Decimal):
                        assert got == pytest.approx(float(want), rel=1e-15), (d.id, r.name, i + 1, name)
                    else:
                        assert got == want and type(got) is type(want), (d.id, r.name, i + 1, name, text, got)
        checked += len(rows)
    assert checked == sum(c.rows for c in out.conversions) > 1000


def test_leading_zeros_and_vietnamese_text_survive(out):
    base = out.site / "datasets/co-so-kham-chua-benh/converted/co-so-kham-chua-benh"
    first = json.loads(Path(f"{base}.json").read_text(encoding="utf-8"))[0]
    assert first["ma_co_so"] == "26001" and first["dien_thoai"] == "02113981616"
    assert first["ten_co_so"] == "Bệnh viện Đa khoa tỉnh Vĩnh Phúc" and first["so_giuong_benh"] == 850
    codes = json.loads((out.site / "datasets/sap-xep-xa-phuong-phu-tho-2025/converted/sap-xep-xa-phuong.json")
                       .read_text(encoding="utf-8"))
    assert codes[0]["ma_xa_moi"] == "04792"
    sheet = openpyxl.load_workbook(f"{base}.xlsx").worksheets[0]
    phone = sheet.cell(row=2, column=9)
    assert (phone.value, phone.data_type) == ("02113981616", "s")
    assert sheet.cell(row=2, column=7).value == 850 and sheet.cell(row=2, column=7).data_type == "n"
    assert openpyxl.load_workbook(f"{base}.xlsx").sheetnames == ["co-so-kham-chua-benh", "Đặc tả"]
    # Excel users read the titles, and dates are date cells shown as Vietnamese write them.
    assert sheet.cell(row=1, column=1).value == "Mã cơ sở"
    dates = [c for c in sheet[2] if c.is_date]
    assert dates and all(c.number_format == "dd/mm/yyyy" for c in dates)
    excel = Path(f"{base}.excel.csv").read_bytes()
    assert excel.startswith(b"\xef\xbb\xbf") and excel[3:] == Path(f"{base}.csv").read_bytes()



def _dataset(folder: Path, resource: Resource) -> Dataset:
    return Dataset(id="cong-thuc", agency="so-tttt", folder=folder, rel_folder="data/so-tttt/cong-thuc",
                   descriptor_file="data/so-tttt/cong-thuc/datapackage.yaml", title="Thử công thức", title_en="",
                   description="", catalogue="VP-TTTT-001", frequency="once", keywords=[], licence="CC0-1.0",
                   contact={}, resources=[resource], descriptor={}, modified="2025-07-01T08:00:00+07:00")


FORMULAS = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\tindented", "=HYPERLINK(\"http://x.invalid\",\"y\")"]


def test_formula_looking_cells_never_become_formulas(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    source = folder / "cong-thuc.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["stt", "ghi_chu", "so_luong"])
        for i, text in enumerate(FORMULAS, 1):
            writer.writerow([str(i), text, "-5"])
        writer.writerow(["7", "Bình thường - không sao", "12"])
    schema = {"fields": [{"name": "stt", "type": "integer"}, {"name": "ghi_chu", "type": "string"},
                         {"name": "so_luong", "type": "integer"}]}
    r = Resource(name="cong-thuc", title="Công thức", description="", format="csv", path="cong-thuc.csv",
                 mediatype="text/csv", schema=schema, sheet=None, descriptor={}, source=source)
    site = tmp_path / "site"
    c = conversions.convert(site, _dataset(folder, r), r, 1751331600)

    assert [(f.row, f.field, f.value) for f in c.neutralised] == [(i, "ghi_chu", t) for i, t in enumerate(FORMULAS, 1)]
    assert conversions.resource_json(c, "https://x.invalid/")["neutralised_cells"] == len(FORMULAS)
    xlsx = site / urls.converted_file("cong-thuc", "cong-thuc", "xlsx")
    with zipfile.ZipFile(xlsx) as z:
        assert b"<f>" not in z.read("xl/worksheets/sheet1.xml")  # no formula element anywhere
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    for i, text in enumerate(FORMULAS, 2):
        cell = sheet.cell(row=i, column=2)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True)
        number = sheet.cell(row=i, column=3)
        assert (number.value, number.data_type) == (-5, "n")  # a real negative number stays a number
    assert sheet.cell(row=8, column=2).quotePrefix is False
    # The CSV and JSON keep the values exactly.
    assert [row[1] for row in csv.reader(open(site / urls.converted_file("cong-thuc", "cong-thuc", "csv"),
                                                encoding="utf-8", newline=""))][1:7] == FORMULAS
    data = json.loads((site / urls.converted_file("cong-thuc", "cong-thuc", "json")).read_text(encoding="utf-8"))
    assert [o["ghi_chu"] for o in data[:6]] == FORMULAS and data[0]["so_luong"] == -5


def test_unreadable_table_publishes_no_half_conversion(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    source = folder / "hong.csv"
    source.write_bytes("a,b\n1,2\n".encode() + b"\xff\xfe broken\n" * 3)
    r = Resource(name="hong", title="Hỏng", description="", format="csv", path="hong.csv", mediatype="text/csv",
                 schema={"fields": [{"name": "a"}, {"name": "b"}]}, sheet=None, descriptor={}, source=source)
    c = conversions.convert(tmp_path / "site", _dataset(folder, r), r, 1751331600)
    assert "UTF-8" in c.error and c.files == []
    assert not (tmp_path / "site" / urls.converted_file("cong-thuc", "hong", "csv")).exists()


def test_every_zip_is_a_valid_data_package(out):
    for d in out.portfolio.datasets:
        path = out.site / urls.dataset_zip(d.id)
        report = frictionless.validate(str(path))
        assert report.valid, (d.id, report.flatten(["type", "note"]))
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            descriptor = json.loads(z.read("datapackage.json"))
            licence = z.read("LICENSE.txt").decode("utf-8")
        assert names == sorted(names)
        files = {r.path for r in d.resources if not r.is_api}
        assert set(names) == files | {"datapackage.json", "LICENSE.txt", "README.txt"}
        assert [r["name"] for r in descriptor["resources"]] == [r.name for r in d.resources if not r.is_api]
        assert descriptor["catalogue"] == d.catalogue and descriptor["frequency"] == d.frequency  # portal keys kept
        known = out.portfolio.catalog.licences[d.licence]
        assert known.title in licence and known.url in licence
        assert (d.attribution or out.portfolio.catalog.agencies[d.agency].name) in licence
    # The CLI a user would type agrees.
    cli = subprocess.run([sys.executable, "-m", "frictionless", "validate",
                          str(out.site / urls.dataset_zip("du-toan-ngan-sach-2025"))], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stdout


def test_api_connections_stay_out_of_the_zip_but_are_listed(out):
    with zipfile.ZipFile(out.site / urls.dataset_zip("xa-phuong-phu-tho-2025")) as z:
        descriptor = json.loads(z.read("datapackage.json"))
        readme = z.read("README.txt").decode("utf-8")
    assert [r["name"] for r in descriptor["resources"]] == ["xa-phuong-phu-tho"]
    assert descriptor["api_resources"][0]["path"] == "https://provinces.open-api.vn/api/"
    assert "https://provinces.open-api.vn/api/" in readme


def test_a_tampered_zip_fails_validation(out, tmp_path):
    source = out.site / urls.dataset_zip("truong-thpt")
    broken = tmp_path / "truong-thpt.zip"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(broken, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data.replace("Trần Phú".encode(), "Trần Phú!".encode()) if
                         item.filename.endswith(".csv") else data)
    report = frictionless.validate(str(broken))
    assert not report.valid
    assert {"hash-count", "byte-count"} & {e[0] for e in report.flatten(["type"])}


def test_zip_entries_have_fixed_dates_and_modes(out):
    d = next(x for x in out.portfolio.datasets if x.id == "quan-trac-khong-khi-2024")
    stamp = datapackage_zip.reproducible_zip.entry_time(conversions.dataset_epoch(out.portfolio, d))
    with zipfile.ZipFile(out.site / urls.dataset_zip(d.id)) as z:
        for item in z.infolist():
            assert item.date_time == stamp and item.external_attr >> 16 == 0o100644 and item.create_system == 3


def test_two_runs_give_byte_identical_files(tmp_path):
    """Fresh interpreters (different hash seeds), two seconds apart: no clock, no set order leaks into a file."""
    sites = []
    for seed in ("1", "2"):
        site = tmp_path / f"site{seed}"
        run = subprocess.run([sys.executable, str(ROOT / "tests" / "standards_site.py"), str(ROOT), str(site)],
                             env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": f"{ROOT}:{ROOT / 'tests'}"},
                             capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        sites.append(site)
        time.sleep(2.1)
    first = {p.relative_to(sites[0]).as_posix(): p.read_bytes() for p in sites[0].rglob("*") if p.is_file()}
    second = {p.relative_to(sites[1]).as_posix(): p.read_bytes() for p in sites[1].rglob("*") if p.is_file()}
    assert sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert any(name.endswith(".xlsx") for name in first) and any(name.endswith(".zip") for name in first)


def test_a_rebuild_copies_unchanged_conversions_and_redoes_the_rest(out, tmp_path, monkeypatch):
    calls = []
    real = conversions.convert
    monkeypatch.setattr(conversions, "convert", lambda *a, **k: calls.append(a[2].name) or real(*a, **k))
    previous = tmp_path / "previous"
    shutil.copytree(out.site / "datasets", previous / "datasets")
    record = previous / urls.conversions_record("truong-thpt")
    data = json.loads(record.read_text(encoding="utf-8"))
    data["tables"]["truong-thpt"]["key"] = "older"  # as if its file or schema had changed
    record.write_text(json.dumps(data), encoding="utf-8")
    tampered = previous / urls.converted_file("dan-toc-viet-nam", "dan-toc", "json")
    tampered.write_text("[]", encoding="utf-8")  # a previous copy that no longer matches its hash

    site = tmp_path / "site"
    made = conversions.write(out.portfolio, site, previous=previous, workers=1)
    assert sorted(calls) == ["dan-toc", "truong-thpt"]
    for c in made:
        for f in c.files:
            assert (site / f.path).read_bytes() == (out.site / f.path).read_bytes(), f.path
    assert (site / urls.conversions_record("truong-thpt")).read_bytes() == \
        (out.site / urls.conversions_record("truong-thpt")).read_bytes()


def test_conversions_in_worker_processes_give_the_same_bytes(out, tmp_path, monkeypatch):
    monkeypatch.setattr(conversions, "PARALLEL_FROM", 1)
    site = tmp_path / "site"
    made = conversions.write(out.portfolio, site, workers=2)
    assert [(c.dataset, c.resource) for c in made] == [(c.dataset, c.resource) for c in out.conversions]
    for c in made:
        for f in c.files:
            assert (site / f.path).read_bytes() == (out.site / f.path).read_bytes(), f.path


CELL = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.lists(CELL, min_size=3, max_size=3), max_size=6))
def test_any_text_survives_csv_and_json_and_is_text_or_flagged_in_xlsx(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("fuzz")
    source = folder / "bang.csv"
    with source.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["a", "b", "c"], *rows])
    r = Resource(name="bang", title="Bảng", description="", format="csv", path="bang.csv", mediatype="text/csv",
                 schema={"fields": [{"name": n, "type": "string"} for n in "abc"]}, sheet=None, descriptor={},
                 source=source)
    c = conversions.convert(folder / "site", _dataset(folder, r), r, 1751331600)
    with source.open(encoding="utf-8", newline="") as fh:
        expected = [[unicodedata.normalize("NFC", x) for x in row] for row in list(csv.reader(fh))[1:]]
    assert not c.error and len(c.files) == 4
    site = folder / "site"
    with open(site / urls.converted_file("cong-thuc", "bang", "csv"), encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh))[1:] == expected
    data = json.loads((site / urls.converted_file("cong-thuc", "bang", "json")).read_text(encoding="utf-8"))
    assert [[o[k] if o[k] is not None else "" for k in "abc"] for o in data] == expected
    sheet = openpyxl.load_workbook(site / urls.converted_file("cong-thuc", "bang", "xlsx")).worksheets[0]
    flagged = {(f.row, f.field) for f in c.flags}
    for i, row in enumerate(expected, 2):
        for j, text in enumerate(row, 1):
            cell = sheet.cell(row=i, column=j)
            assert cell.data_type in ("s", "n") and cell.data_type != "f"
            if (i - 1, "abc"[j - 1]) not in flagged and text:
                assert cell.value == text


def test_dataset_json_fields_point_at_the_published_files(out):
    zips = {d: [x for x in items if x.format == "zip"] for d, items in out.downloads.items()}
    fields = downloads.dataset_json_fields(out.portfolio, "du-toan-ngan-sach-2025", out.conversions, zips)
    base = out.portfolio.catalog.portal.base_url
    package = out.site / fields["package"]["url"].removeprefix(base)
    assert fields["package"]["size"] == package.stat().st_size
    assert fields["package"]["sha256"] == hashlib.sha256(package.read_bytes()).hexdigest()
    assert sorted(fields["conversions"]) == ["du-toan-chi", "du-toan-thu"]
    for entry in fields["conversions"].values():
        assert [f["format"] for f in entry["files"]] == ["csv", "csv-excel", "json", "xlsx"]
        for f in entry["files"]:
            assert (out.site / f["url"].removeprefix(base)).stat().st_size == f["size"]
    for url in fields["metadata"].values():
        assert (out.site / url.removeprefix(base)).is_file()


def test_the_dataset_page_offers_the_csv_for_excel(site):
    page = (site / "datasets/co-so-kham-chua-benh/index.html").read_text(encoding="utf-8")
    assert re.search(r'converted/co-so-kham-chua-benh\.excel\.csv" download><span data-en="CSV for Excel">CSV cho Excel<', page)
