"""Realistic agency exports, made the way Excel and the agencies' own systems make them.

A title block (the agency, the national motto, the report's title, a date
line, blank rows), a header over two rows with merged group headings, a row
numbering the columns, a total row with formulas, a signature block below the
table and a notes sheet beside it; phone numbers stored as numbers.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from conftest import shared

FACILITIES = [(1, "Bệnh viện Đa khoa tỉnh", 850, 900, 2113862430, "01001"),
              (2, "Bệnh viện Sản - Nhi", 400, 420, 2113700100, "01002"),
              (3, "Trung tâm Y tế thành phố Vĩnh Yên", 120, 110, 2113845678, "01003"),
              (4, "Trạm Y tế phường Liên Bảo", 5, 5, 2113861111, "01004")]
FACILITY_LABELS = ["STT", "Tên cơ sở", "Số giường Kế hoạch", "Số giường Thực hiện", "Điện thoại", "Mã cơ sở"]
FACILITY_SCHEMA = {"fields": [
    {"name": "STT", "type": "integer"}, {"name": "Tên cơ sở", "type": "string", "constraints": {"required": True}},
    {"name": "Số giường Kế hoạch", "type": "integer"}, {"name": "Số giường Thực hiện", "type": "integer"},
    {"name": "Điện thoại", "type": "integer"},  # the workbook stores the phones as numbers
    {"name": "Mã cơ sở", "type": "string", "constraints": {"pattern": "^[0-9]{5}$"}}]}


def facilities_xlsx(path: Path, data_sheet_first: bool = True) -> Path:
    """An xlsx report of health facilities: rows 1-5 title block, 7-8 header, 9 numbering, 10-13 data,
    14 total (formulas), 16-21 signature block; a "Hướng dẫn" notes sheet."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Biểu 01"
    sheet["A1"], sheet["D1"] = "UBND TỈNH VĨNH PHÚC", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    sheet["A2"], sheet["D2"] = "SỞ Y TẾ", "Độc lập - Tự do - Hạnh phúc"
    sheet["A4"] = "DANH SÁCH CƠ SỞ KHÁM BỆNH, CHỮA BỆNH NĂM 2024"
    sheet.merge_cells("A4:F4")
    sheet["A5"] = "(Kèm theo Báo cáo số 12/BC-SYT ngày 15/01/2025 của Sở Y tế)"
    sheet.merge_cells("A5:F5")
    for col, label in (("A", "STT"), ("B", "Tên cơ sở"), ("E", "Điện thoại"), ("F", "Mã cơ sở")):
        sheet[f"{col}7"] = label
        sheet.merge_cells(f"{col}7:{col}8")
    sheet["C7"], sheet["C8"], sheet["D8"] = "Số giường", "Kế hoạch", "Thực hiện"
    sheet.merge_cells("C7:D7")
    for j in range(6):
        sheet.cell(9, j + 1, f"({j + 1})")
    for i, row in enumerate(FACILITIES):
        for j, value in enumerate(row):
            sheet.cell(10 + i, j + 1, value)
    sheet["A14"] = "Tổng cộng"
    sheet.merge_cells("A14:B14")
    sheet["C14"], sheet["D14"] = "=SUM(C10:C13)", "=SUM(D10:D13)"
    sheet["D16"] = "Vĩnh Phúc, ngày 15 tháng 01 năm 2025"
    sheet["A17"], sheet["D17"] = "NGƯỜI LẬP BIỂU", "GIÁM ĐỐC"
    sheet["A18"], sheet["D18"] = "(Ký, ghi rõ họ tên)", "(Ký tên, đóng dấu)"
    sheet["A21"], sheet["D21"] = "Nguyễn Văn An", "Trần Thị Bình"
    notes = book.create_sheet("Hướng dẫn", 0 if not data_sheet_first else None)
    notes["A1"] = "Hướng dẫn điền biểu"
    notes["A2"] = "Cột (3), (4): số giường kế hoạch và thực hiện."
    book.save(path)
    return path


BUDGET = [("I", "Thu nội địa", 27100, 26900), ("II", "Thu từ hoạt động xuất nhập khẩu", 5200, 5350),
          ("III", "Thu viện trợ", 30, 42)]
BUDGET_LABELS = ["STT", "Nội dung", "Quyết toán năm 2024 Dự toán", "Quyết toán năm 2024 Thực hiện"]
BUDGET_SCHEMA = {"fields": [{"name": "STT", "type": "string"}, {"name": "Nội dung", "type": "string"},
                            {"name": "Quyết toán năm 2024 Dự toán", "type": "integer"},
                            {"name": "Quyết toán năm 2024 Thực hiện", "type": "integer"}]}


def budget_xls(path: Path) -> Path:
    """A BIFF8 .xls (xlwt, as the agencies' older systems write): title block, merged two-row header,
    numbering row, data, a "Cộng" total row with formulas, a signature block."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Quyết toán")
    sheet.write(0, 0, "UBND TỈNH VĨNH PHÚC")
    sheet.write(0, 2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    sheet.write(1, 2, "Độc lập - Tự do - Hạnh phúc")
    sheet.write_merge(3, 3, 0, 3, "QUYẾT TOÁN THU NGÂN SÁCH NHÀ NƯỚC NĂM 2024")
    sheet.write_merge(4, 4, 0, 3, "Đơn vị: triệu đồng")
    sheet.write_merge(6, 7, 0, 0, "STT")
    sheet.write_merge(6, 7, 1, 1, "Nội dung")
    sheet.write_merge(6, 6, 2, 3, "Quyết toán năm 2024")
    sheet.write(7, 2, "Dự toán")
    sheet.write(7, 3, "Thực hiện")
    for j, label in enumerate(["A", "B", "1", "2"]):
        sheet.write(8, j, label)
    for i, row in enumerate(BUDGET):
        for j, value in enumerate(row):
            sheet.write(9 + i, j, value)
    sheet.write_merge(12, 12, 0, 1, "Cộng")
    sheet.write(12, 2, xlwt.Formula("SUM(C10:C12)"))
    sheet.write(12, 3, xlwt.Formula("SUM(D10:D12)"))
    sheet.write(14, 2, "Vĩnh Phúc, ngày 20 tháng 3 năm 2025")
    sheet.write(15, 0, "Người lập biểu")
    sheet.write(15, 2, "Thủ trưởng đơn vị")
    sheet.write(18, 0, "Lê Văn Cường")
    sheet.write(18, 2, "Phạm Thị Dung")
    book.save(str(path))
    return path


PROJECTS_CSV = (
    "UBND TỈNH VĨNH PHÚC,,,CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\r\n"
    "SỞ KẾ HOẠCH VÀ ĐẦU TƯ,,,Độc lập - Tự do - Hạnh phúc\r\n"
    ",,,\r\n"
    "DANH MỤC DỰ ÁN ĐẦU TƯ TRỰC TIẾP NƯỚC NGOÀI CÒN HIỆU LỰC,,,\r\n"
    ",,,\r\n"
    "ma_du_an,ten_du_an,quoc_gia,von_dang_ky\r\n"
    "(1),(2),(3),(4)\r\n"
    "001234,Nhà máy linh kiện điện tử A,Hàn Quốc,12.5\r\n"
    "001235,\"Công ty TNHH B, Khu công nghiệp Bá Thiện\",Nhật Bản,20\r\n"
    "001236,Nhà máy may mặc C,Trung Quốc,5.5\r\n"
    "Tổng cộng,,,38.0\r\n"
    ",,,\r\n"
    ",,,\"Vĩnh Phúc, ngày 10 tháng 1 năm 2025\"\r\n"
    ",,,GIÁM ĐỐC\r\n"
    ",,,(Đã ký)\r\n")
PROJECTS_SCHEMA = {"fields": [{"name": "ma_du_an", "type": "string", "constraints": {"pattern": "^[0-9]{6}$"}},
                              {"name": "ten_du_an", "type": "string"}, {"name": "quoc_gia", "type": "string"},
                              {"name": "von_dang_ky", "type": "number", "unit": "triệu USD"}]}

TITLED_CSV = "Danh sách tổ dân phố thành phố Vĩnh Yên\nma,ten,so_ho\n00101,Tổ dân phố số 1,120\n00102,Tổ dân phố số 2,98\n"
TITLED_SCHEMA = {"fields": [{"name": "ma", "type": "string"}, {"name": "ten", "type": "string"},
                            {"name": "so_ho", "type": "integer"}]}


def add_dataset(portal: Path, agency: str, dataset: str, code: str, resources: list[dict],
                files: dict[str, bytes | str | Path]) -> Path:
    """A dataset folder with its descriptor and files, as an agency's pull request adds it."""
    folder = portal / "data" / agency / dataset
    folder.mkdir(parents=True)
    for name, content in files.items():
        if isinstance(content, Path):
            (folder / name).write_bytes(content.read_bytes())
        elif isinstance(content, str):
            (folder / name).write_text(content, encoding="utf-8")
        else:
            (folder / name).write_bytes(content)
    descriptor = {"name": dataset, "title": f"Bộ dữ liệu thử {dataset}", "description": "Dữ liệu thử của bộ kiểm thử.",
                  "catalogue": code, "frequency": "annual", "keywords": ["thử nghiệm"],
                  "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Ghi công 4.0 Quốc tế",
                                "path": "https://creativecommons.org/licenses/by/4.0/"}],
                  "contact": {"name": "Văn phòng", "email": "vp@vinhphuc.gov.vn"}, "resources": resources}
    (folder / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True, sort_keys=False),
                                             encoding="utf-8")
    return folder


def office_portal(portal: Path, tmp: Path) -> Path:
    """The sample portal with one dataset of each office export, a CSV with a title line and a sheet chosen
    by number."""
    xlsx = facilities_xlsx(tmp / "bieu-01.xlsx")
    add_dataset(portal, "so-y-te", "bieu-co-so-kcb", "VP-YT-002",
                [{"name": "co-so-kcb", "path": "bieu-01.xlsx", "format": "xlsx", "title": "Cơ sở KCB",
                  "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "dialect": {"excel": {"sheet": "Biểu 01"}}, "schema": FACILITY_SCHEMA}], {"bieu-01.xlsx": xlsx})
    xls = budget_xls(tmp / "quyet-toan.xls")
    add_dataset(portal, "so-tai-chinh", "quyet-toan-thu-2024", "VP-TC-002",
                [{"name": "quyet-toan-thu", "path": "quyet-toan.xls", "format": "xls", "title": "Quyết toán thu",
                  "mediatype": "application/vnd.ms-excel", "schema": BUDGET_SCHEMA}], {"quyet-toan.xls": xls})
    add_dataset(portal, "so-khdt", "du-an-fdi", "VP-KHDT-003",
                [{"name": "du-an-fdi", "path": "du-an-fdi.csv", "format": "csv", "title": "Dự án FDI",
                  "mediatype": "text/csv", "encoding": "utf-8", "schema": PROJECTS_SCHEMA}],
                {"du-an-fdi.csv": PROJECTS_CSV.encode("utf-8")})
    add_dataset(portal, "ubnd-vinh-yen", "to-dan-pho", "VP-VY-002",
                [{"name": "to-dan-pho", "path": "to-dan-pho.csv", "format": "csv", "title": "Tổ dân phố",
                  "mediatype": "text/csv", "encoding": "utf-8", "schema": TITLED_SCHEMA}],
                {"to-dan-pho.csv": TITLED_CSV})
    by_number = facilities_xlsx(tmp / "diem-do-xe.xlsx", data_sheet_first=False)  # sheet 1 is the notes
    add_dataset(portal, "ubnd-phuc-yen", "sheet-by-number", "VP-PY-002",
                [{"name": "bang-2", "path": "diem-do-xe.xlsx", "format": "xlsx", "title": "Trang 2",
                  "mediatype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                  "dialect": {"excel": {"sheet": 2}}, "schema": FACILITY_SCHEMA}], {"diem-do-xe.xlsx": by_number})
    shared_fixtures_dataset(portal)
    return portal


# The shared fixtures' tables that make a valid table (a header with every label filled), as agencies would
# publish them with the schema `opendata infer` drafts: (file, sheet).
SHARED_TABLES = [("office/SampleSS.xlsx", "Sheet Number 2"), ("office/SampleSS.xls", "Sheet Number 2"),
                 ("office/SimpleWithFormula.xls", None), ("real/ethnic-minorities.csv", None),
                 ("real/listed-companies.csv", None), ("real/wards-pre2025.csv", None)]


def shared_fixtures_dataset(portal: Path) -> Path:
    """One dataset holding every table of ../shared/fixtures that makes a valid table, its schema drafted."""
    from generator.tables import reader as tables
    from generator.tables.infer import draft, named_as_labels

    resources, files = [], {}
    for i, (name, sheet) in enumerate(SHARED_TABLES):
        source = shared("fixtures", name)
        fmt = source.suffix.lstrip(".")
        target = f"t{i}.{fmt}"
        files[target] = source
        table = tables.read(source, fmt, sheet)
        schema, _ = named_as_labels(draft(table), table.labels) if fmt != "csv" else (draft(table), None)
        if fmt == "csv":  # a CSV's header must be the drafted names: keep the file's own, which are ASCII
            schema["fields"] = [{**f, "name": label} for f, label in zip(schema["fields"], table.labels)]
        resource = {"name": f"bang-{i}", "path": target, "format": fmt, "title": name,
                    "mediatype": {"csv": "text/csv", "xls": "application/vnd.ms-excel",
                                  "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}[fmt],
                    "schema": schema}
        if sheet:
            resource["dialect"] = {"excel": {"sheet": sheet}}
        resources.append(resource)
    return add_dataset(portal, "so-tttt", "tep-mau", "VP-TTTT-002", resources, files)
