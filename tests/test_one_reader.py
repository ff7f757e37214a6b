"""One truth per table: what the gate read is, cell for cell, what every output publishes.

The portal is the sample plus realistic office exports (tests/office_exports.py), a CSV with a title
line above its header and a workbook whose table is chosen by sheet number. For every table the gate's
own reading (as `opendata build` saves it) is compared with the converted CSV, JSON and XLSX, the
preview chunks, the first rows on the dataset page, and the zipped Data Package read by frictionless
with the dialect the build published. (tests/function/test_published_parity.py carries it on to the
function's answers, which must equal the converted JSON.)
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest

from conftest import copy_portal, run_cli
from office_exports import BUDGET, BUDGET_LABELS, FACILITIES, FACILITY_LABELS, add_dataset, facilities_xlsx, office_portal
from generator.tables import reader as tables
from generator.build.pipeline import load
from generator.problems import Problems
from generator.publish.downloads import conversions
from generator.publish import urls
from generator.gate.run import Report, check_dataset


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("one-reader")
    portal = office_portal(copy_portal(tmp / "portal"), tmp)
    out = tmp / "site"
    result = run_cli("build", "--root", str(portal), "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    portfolio, _ = load(portal)
    readings = tmp / "readings"
    problems = Problems()
    for d in portfolio.datasets:  # the gate, as the build runs it, saving each table as it read it
        check_dataset(d, portfolio.catalog, problems, Report(), offline=True, readings=readings)
    assert not problems.errors, [p.format() for p in problems.errors]
    found = [(d, r, tables.load(tables.saved(readings, d.id, r.name)))
             for d in portfolio.datasets for r in d.resources if r.tabular and r.source is not None]
    return out, found, problems


def test_every_table_of_the_portal_is_compared(built):
    names = {f"{d.id}/{r.name}" for d, r, _ in built[1]}
    assert {"bieu-co-so-kcb/co-so-kcb", "quyet-toan-thu-2024/quyet-toan-thu", "du-an-fdi/du-an-fdi",
            "to-dan-pho/to-dan-pho", "sheet-by-number/bang-2"} <= names
    assert {f"tep-mau/bang-{i}" for i in range(6)} <= names  # the tables of ../shared/fixtures
    assert len(names) >= 20  # the sample's own tables too (csv, xls, xlsx with two sheets)


def test_converted_csv_json_and_xlsx_equal_the_gates_reading(built):
    import openpyxl

    site = built[0]
    for d, r, table in built[1]:
        header, rows = table.labels, list(table.records())
        where = f"{d.id}/{r.name}"
        with (site / urls.converted_file(d.id, r.name, "csv")).open(encoding="utf-8", newline="") as f:
            published = list(csv.reader(f))
        assert published[0] == header and published[1:] == rows, where

        typed = conversions.converters(header, r.schema)
        records = json.loads((site / urls.converted_file(d.id, r.name, "json")).read_text("utf-8"),
                             parse_float=Decimal, parse_int=Decimal)
        assert len(records) == len(rows), where
        for record, row in zip(records, rows):
            assert list(record) == header, where
            want = [conv(cell) for conv, cell in zip(typed, row)]
            assert list(record.values()) == [Decimal(str(v)) if isinstance(v, conversions.Number) else v
                                             for v in want], where

        book = openpyxl.load_workbook(site / urls.converted_file(d.id, r.name, "xlsx"), read_only=True)
        sheet = book.worksheets[0]
        cells = [list(line) for line in sheet.iter_rows(values_only=True)]
        fields = {f.get("name"): f for f in (r.schema or {}).get("fields", [])}
        assert [c or "" for c in cells[0]] == [fields.get(h, {}).get("title") or h for h in header], where
        for line, row in zip(cells[1:], rows):
            for value, text in zip(line, row):
                if value is None:
                    assert text == "", where
                elif hasattr(value, "isoformat"):  # a date cell: the same day (and time) as the text
                    assert value.isoformat().removesuffix("T00:00:00") == text, (where, text, value)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    assert Decimal(text) == Decimal(str(value)), (where, text, value)
                else:
                    assert str(value) == text or value == (text == "true"), (where, text, value)
        assert len(cells) - 1 == len(rows), where


def test_preview_chunks_and_first_look_equal_the_gates_reading(built):
    site = built[0]
    for d, r, table in built[1]:
        folder = site / urls.preview_dir(d.id, r.name)
        meta = json.loads((folder / "meta.json").read_text("utf-8"))
        rows = [row for k in range(meta["chunks"]) for row in json.loads((folder / f"{k}.json").read_text("utf-8"))]
        assert meta["header"] == table.labels and rows == list(table.records()), f"{d.id}/{r.name}"
        page = (site / urls.dataset_page(d.id) / "index.html").read_text("utf-8")
        first = next(iter(table.records(1)), None)
        if first:  # the first look on the dataset page shows the table's first data row, not the title block
            shown = [c for c in first if c][:2]
            assert all(_escaped(c) in page for c in shown), (d.id, shown)


def _escaped(text: str) -> str:
    import html

    return html.escape(text, quote=False)


def test_the_zip_read_by_frictionless_gives_the_same_table(built, tmp_path):
    from frictionless import Package

    site = built[0]
    by_dataset: dict[str, list] = {}
    for d, r, table in built[1]:
        by_dataset.setdefault(d.id, []).append((r, table))
    for dataset_id, resources in by_dataset.items():
        folder = tmp_path / dataset_id
        with zipfile.ZipFile(site / urls.dataset_zip(dataset_id)) as archive:
            archive.extractall(folder)
        package = Package(str(folder / "datapackage.json"))
        report = package.validate()
        assert report.valid, (dataset_id, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5])
        for r, table in resources:
            resource = package.get_resource(r.name)
            with resource:
                labels = list(resource.labels)
                rows = [[_plain(cell) for cell in row.to_list()] for row in resource.row_stream]
            assert labels == table.labels, (dataset_id, r.name)
            typed = conversions.converters(table.labels, r.schema)
            want = [[_plain(conv(cell)) for conv, cell in zip(typed, row)] for row in table.records()]
            assert rows == want, (dataset_id, r.name)


def _plain(value):
    """One comparable form for frictionless' typed cells and the conversion's: numbers as Decimal, dates as ISO."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value)).normalize()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def test_office_exports_are_found_and_the_report_says_what_was_left_out(built):
    by_name = {f"{d.id}/{r.name}": t for d, r, t in built[1]}
    xlsx = by_name["bieu-co-so-kcb/co-so-kcb"]
    assert xlsx.labels == FACILITY_LABELS
    assert list(xlsx.records()) == [[str(c) for c in row] for row in FACILITIES]
    assert xlsx.layout.header_rows == [7, 8]
    assert {(s.row, s.reason) for s in xlsx.layout.skipped} >= {(1, "title"), (4, "title"), (9, "numbering"),
                                                               (14, "total"), (17, "footer"), (21, "footer")}
    xls = by_name["quyet-toan-thu-2024/quyet-toan-thu"]
    assert xls.labels == BUDGET_LABELS and list(xls.records()) == [[str(c) for c in row] for row in BUDGET]
    assert xls.layout.rows_skipped("total") == [13] and xls.layout.rows_skipped("numbering") == [9]
    fdi = by_name["du-an-fdi/du-an-fdi"]
    assert fdi.labels == ["ma_du_an", "ten_du_an", "quoc_gia", "von_dang_ky"] and fdi.layout.header_rows == [6]
    assert [row[0] for row in fdi.records()] == ["001234", "001235", "001236"]  # codes keep their zeros
    assert fdi.layout.rows_skipped("total") == [11] and fdi.layout.rows_skipped("footer") == [12, 13, 14, 15]
    warnings = [p for p in built[2].warnings if p.code == "rows-skipped" and "du-an-fdi" in p.file]
    assert len(warnings) == 1
    assert "dòng 7: dòng đánh số cột" in warnings[0].vi and "row 11: total row" in warnings[0].en
    assert "các dòng 1–2, 4: khối tiêu đề" in warnings[0].vi


def test_a_title_line_above_a_csv_header_is_published_with_its_real_columns(built):
    site = built[0]
    header, *rows = list(csv.reader(io.StringIO(
        (site / urls.converted_file("to-dan-pho", "to-dan-pho", "csv")).read_text("utf-8"))))
    assert header == ["ma", "ten", "so_ho"] and rows[0] == ["00101", "Tổ dân phố số 1", "120"]
    described = json.loads((site / urls.dataset_descriptor("to-dan-pho")).read_text("utf-8"))
    assert described["resources"][0]["dialect"] == {"headerRows": [2]}


def test_a_sheet_chosen_by_number_is_published_and_named_in_the_dialect(built):
    site = built[0]
    meta = json.loads((site / urls.preview_dir("sheet-by-number", "bang-2") / "meta.json").read_text("utf-8"))
    assert meta["header"] == FACILITY_LABELS and meta["rows"] == len(FACILITIES)
    for fmt in ("csv", "json", "xlsx"):
        assert (site / urls.converted_file("sheet-by-number", "bang-2", fmt)).stat().st_size > 0
    described = json.loads((site / urls.dataset_descriptor("sheet-by-number")).read_text("utf-8"))
    assert described["resources"][0]["dialect"]["excel"] == {"sheet": "Biểu 01", "fillMergedCells": True}


def test_a_two_row_header_without_merged_cells_is_refused_naming_the_rows(portal, tmp_path):
    text = ("STT,Tên cơ sở,Số giường,,Ghi chú\r\n,,Kế hoạch,Thực hiện,\r\n1,Bệnh viện A,850,900,\r\n"
            "2,Bệnh viện B,400,420,x\r\n")
    add_dataset(portal, "so-y-te", "hai-dong", "VP-YT-002",
                [{"name": "hai-dong", "path": "hai-dong.csv", "format": "csv", "mediatype": "text/csv",
                  "schema": {"fields": [{"name": n, "type": "string"} for n in "abcde"]}}], {"hai-dong.csv": text})
    result = run_cli("validate", "--root", str(portal), "--format", "json")
    assert result.returncode == 1
    [problem] = [p for task in json.loads(result.stdout)["tasks"] for p in task["errors"] if "hai-dong" in p["file"]]
    assert "(1–2)" in problem["message"] and "two rows (1–2)" in problem["message_en"]
    assert "một dòng" in problem["fix_vi"] and "Merge & Center" in problem["fix_en"]


def test_a_declared_dialect_is_read_as_declared(tmp_path):
    path = facilities_xlsx(tmp_path / "b.xlsx")
    kept = tables.read(path, "xlsx", "Biểu 01", dialect={"headerRows": [7, 8], "commentRows": [9, 15, 16, 17, 18,
                                                                                                19, 20, 21]})
    assert kept.labels == FACILITY_LABELS
    assert [row[0] for row in kept.records()] == ["1", "2", "3", "4", "Tổng cộng"]  # the agency keeps its total
    assert kept.layout.dialect("xlsx")["commentRows"] == [9, 15, 16, 17, 18, 19, 20, 21]


def test_one_cell_rule_for_every_kind_of_spreadsheet_cell():
    import datetime as dt

    assert [tables.cell_text(v) for v in (None, True, False, 12.0, 12.5, 7, dt.datetime(2024, 3, 5),
                                          dt.datetime(2024, 3, 5, 8, 30), dt.date(2024, 3, 5), dt.time(8, 30),
                                          dt.timedelta(hours=9, minutes=5), "Ha\u0300 No\u0323\u0302i")] == [
        "", "true", "false", "12", "12.5", "7", "2024-03-05", "2024-03-05T08:30:00", "2024-03-05", "08:30:00",
        "09:05:00", "Hà Nội"]


def test_a_boolean_cell_reads_the_same_in_every_output(portal, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["ma", "mo_cua"])
    book.active.append(["001", True])
    book.active.append(["002", False])
    path = tmp_path / "b.xlsx"
    book.save(path)
    add_dataset(portal, "so-y-te", "bool", "VP-YT-002",
                [{"name": "bool", "path": "b.xlsx", "format": "xlsx",
                  "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "schema": {"fields": [{"name": "ma", "type": "string"}, {"name": "mo_cua", "type": "boolean"}]}}],
                {"b.xlsx": path})
    out = tmp_path / "site"
    result = run_cli("build", "--root", str(portal), "--out", str(out))
    assert result.returncode == 0, result.stderr
    chunk = json.loads((out / urls.preview_dir("bool", "bool") / "0.json").read_text("utf-8"))
    assert chunk == [["001", "true"], ["002", "false"]]
    assert json.loads((out / urls.converted_file("bool", "bool", "json")).read_text("utf-8")) == [
        {"ma": "001", "mo_cua": True}, {"ma": "002", "mo_cua": False}]
    assert (out / urls.converted_file("bool", "bool", "csv")).read_bytes() == b"ma,mo_cua\r\n001,true\r\n002,false\r\n"


def test_a_merged_header_over_text_rows_ends_where_its_cells_do(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"], sheet["B2"], sheet["C2"] = "Họ tên", "Liên hệ", "Địa chỉ", "Email"
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:C1")
    sheet.append(["Nguyễn Văn An", "Hà Nội", "an@example.vn"])
    sheet.append(["Trần Bình", "Huế", None])
    book.save(tmp_path / "t.xlsx")
    table = tables.read(tmp_path / "t.xlsx", "xlsx")
    assert table.labels == ["Họ tên", "Liên hệ Địa chỉ", "Liên hệ Email"] and table.layout.header_rows == [1, 2]
    assert list(table.records()) == [["Nguyễn Văn An", "Hà Nội", "an@example.vn"], ["Trần Bình", "Huế", ""]]


def test_chart_data_is_typed_as_the_json_download():
    from generator.publish.discovery import charts

    schema = {"fields": [{"name": "so", "type": "number", "groupChar": ".", "decimalChar": ","},
                         {"name": "co", "type": "boolean"}, {"name": "nam", "type": "year"}, {"name": "ma"}],
              "missingValues": ["", "-"]}
    header, rows = ["so", "co", "nam", "ma"], [["1.234,5", "true", "2024", "007"], ["-", "false", "", "-"]]
    typed = conversions.converters(header, schema)
    download = [json.loads("{" + ", ".join(f"{json.dumps(h)}: {conversions.json_literal(conv(c))}"
                                          for h, conv, c in zip(header, typed, row)) + "}") for row in rows]
    assert charts.records(header, rows, schema) == download == [
        {"so": 1234.5, "co": True, "nam": 2024, "ma": "007"}, {"so": None, "co": False, "nam": None, "ma": None}]


@pytest.mark.parametrize("name", ["office/SampleSS.xlsx", "office/SimpleMultiCell.xlsx"])
def test_a_shared_fixture_sheet_whose_header_has_empty_cells_is_refused(portal, name):
    from conftest import shared

    source = shared("fixtures", name)
    table = tables.read(source, "xlsx")
    schema = {"fields": [{"name": label or f"cot_{i + 1}", "type": "string"} for i, label in enumerate(table.labels)]}
    add_dataset(portal, "so-tttt", "tep-mau", "VP-TTTT-002",
                [{"name": "bang", "path": "t.xlsx", "format": "xlsx", "schema": schema,
                  "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}], {"t.xlsx": source})
    result = run_cli("validate", "--root", str(portal), "--format", "json")
    assert result.returncode == 1
    errors = [p for task in json.loads(result.stdout)["tasks"] for p in task["errors"] if "tep-mau" in p["file"]]
    assert "blank-label" in {p["type"] for p in errors}
