#!/usr/bin/env python3
"""Regenerate the sample data files under data/ (developer tool).

The portal never runs this script: its output is committed. It exists so the
sample files can be rebuilt and reviewed. Everything is deterministic: fixed
content, seeded random numbers, no timestamps (office files carry a fixed
date and fixed zip entry times).

Two kinds of files are written:

* files derived from real public data (fixtures/real, MIT licensed: the
  licence notice is kept in each datapackage.yaml, fields `attribution` and
  `sources`);
* illustrative sample data for Vĩnh Phúc ("Dữ liệu minh họa, không phải số
  liệu chính thức" is said in every such descriptor), including the office
  documents (xlsx, xls, docx, pdf).

The datapackage.yaml descriptors are written by hand, not by this script;
check them after a change with frictionless (see the end of this file).

Requirements (a scratch virtualenv is enough):

    python3 -m venv /tmp/samplevenv
    /tmp/samplevenv/bin/pip install openpyxl xlwt python-docx fpdf2
    apt-get install -y fonts-dejavu-core      # DejaVuSans.ttf for the PDF

Usage:

    /tmp/samplevenv/bin/python scripts/make_sample_data.py \
        [--fixtures /work/shared/fixtures] [--only so-tnmt/quan-trac-khong-khi-2024]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import math
import os
import random
import re
import shutil
import sys
import unicodedata
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
DEFAULT_FIXTURES = Path(os.environ.get("OPENDATA_FIXTURES", "/work/shared/fixtures"))
FONT_DIR = Path(os.environ.get("DEJAVU_DIR", "/usr/share/fonts/truetype/dejavu"))

# One fixed moment for every office file's metadata and zip entries.
FIXED_DATETIME = dt.datetime(2025, 1, 1, 0, 0, 0)
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)

SAMPLE_NOTE = "Dữ liệu minh họa, không phải số liệu chính thức."

# Districts (đơn vị hành chính cấp huyện) of Vĩnh Phúc before 1 July 2025:
# statistical code, name, area in km² (rounded; illustrative), population 2024
# (illustrative, about 1.2 million in total).
DISTRICTS = [
    ("243", "Thành phố Vĩnh Yên", 50.39, 128_400),
    ("244", "Thành phố Phúc Yên", 119.49, 112_900),
    ("246", "Huyện Lập Thạch", 173.10, 139_800),
    ("247", "Huyện Tam Dương", 108.28, 118_200),
    ("248", "Huyện Tam Đảo", 235.92, 81_900),
    ("249", "Huyện Bình Xuyên", 148.65, 136_700),
    ("251", "Huyện Yên Lạc", 107.67, 166_200),
    ("252", "Huyện Vĩnh Tường", 142.91, 219_300),
    ("253", "Huyện Sông Lô", 150.32, 104_600),
]
DISTRICT_BY_CODE = {d[0]: d for d in DISTRICTS}


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------

def nfc_check(value, where: str) -> None:
    """Fail loudly if any string in value is not NFC."""
    if isinstance(value, str):
        if not unicodedata.is_normalized("NFC", value):
            raise ValueError(f"{where}: not NFC: {value!r}")
    elif isinstance(value, (list, tuple)):
        for v in value:
            nfc_check(v, where)
    elif isinstance(value, dict):
        for k, v in value.items():
            nfc_check(k, where)
            nfc_check(v, where)


def dataset_dir(agency: str, dataset: str) -> Path:
    path = DATA / agency / dataset
    path.mkdir(parents=True, exist_ok=True)
    return path


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        text = repr(round(value, 6))
        return text[:-2] if text.endswith(".0") else text
    return str(value)


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    """UTF-8 (no BOM), NFC, comma separated, LF line ends, header = field names."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"{path}: row has {len(row)} cells, header {len(header)}")
        writer.writerow([cell_text(v) for v in row])
    text = buf.getvalue()
    nfc_check(text, str(path))
    path.write_bytes(text.encode("utf-8"))
    print(f"  wrote {path.relative_to(ROOT)} ({len(rows)} rows)")


def normalize_zip(path: Path, fixed_iso: str = "2025-01-01T00:00:00Z") -> None:
    """Rewrite an OOXML zip with fixed entry times and fixed core dates."""
    with zipfile.ZipFile(path) as zin:
        entries = [(info.filename, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w") as zout:
        for name, data in entries:
            if name == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                    lambda m: m.group(1) + fixed_iso + m.group(3),
                    text,
                )
                data = text.encode("utf-8")
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zout.writestr(info, data)


def save_xlsx(wb, path: Path) -> None:
    """Save without openpyxl stamping the current time into docProps."""
    from openpyxl.writer.excel import ExcelWriter

    wb.properties.created = FIXED_DATETIME
    wb.properties.modified = FIXED_DATETIME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        ExcelWriter(wb, archive).save()
    normalize_zip(path)
    print(f"  wrote {path.relative_to(ROOT)}")


def xlsx_sheet(wb, title: str, header: list[str], rows: list[list], widths=None, formats=None):
    from openpyxl.styles import Font, PatternFill, Alignment

    nfc_check(title, "sheet title")
    nfc_check(header, title)
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(vertical="center")
    for row in rows:
        nfc_check(row, title)
        ws.append(row)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    for col, fmt in (formats or {}).items():
        idx = header.index(col) + 1
        for r in range(2, len(rows) + 2):
            ws.cell(row=r, column=idx).number_format = fmt
    return ws


def new_workbook(title: str, creator: str):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    wb.properties.creator = creator
    wb.properties.lastModifiedBy = creator
    wb.properties.language = "vi-VN"
    return wb


def new_document(title: str, author: str):
    from docx import Document
    from docx.shared import Pt, Cm

    doc = Document()
    section = doc.sections[0]
    section.page_height = Cm(29.7)
    section.page_width = Cm(21.0)
    section.left_margin = Cm(3.0)
    section.right_margin = Cm(2.0)
    section.top_margin = Cm(2.0)
    section.bottom_margin = Cm(2.0)
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    cp = doc.core_properties
    cp.title = title
    cp.author = author
    cp.last_modified_by = author
    cp.created = FIXED_DATETIME
    cp.modified = FIXED_DATETIME
    cp.last_printed = FIXED_DATETIME
    cp.revision = 1
    cp.language = "vi-VN"
    cp.comments = SAMPLE_NOTE
    return doc


def save_docx(doc, path: Path) -> None:
    doc.save(str(path))
    normalize_zip(path)
    print(f"  wrote {path.relative_to(ROOT)}")


def docx_par(doc, text: str = "", bold=False, italic=False, size=None, align=None, space_after=6):
    from docx.shared import Pt
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    nfc_check(text, "docx")
    p = doc.add_paragraph()
    if text:
        run = p.add_run(text)
        run.bold = bold
        run.italic = italic
        if size:
            run.font.size = Pt(size)
    p.paragraph_format.space_after = Pt(space_after)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif align == "justify":
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    return p


def docx_cell(cell, lines, bold=False, italic=False, size=12, align="center"):
    from docx.shared import Pt
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    if isinstance(lines, str):
        lines = [lines]
    cell.text = ""
    first = True
    for line in lines:
        nfc_check(line, "docx cell")
        p = cell.paragraphs[0] if first else cell.add_paragraph()
        first = False
        run = p.add_run(line)
        run.bold = bold
        run.italic = italic
        run.font.size = Pt(size)
        p.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]


def docx_header(doc, left: list[str], right_place_date: str, left_number: str | None = None):
    """The two-column heading of a Vietnamese administrative document."""
    table = doc.add_table(rows=1, cols=2)
    table.autofit = True
    left_lines = list(left)
    if left_number:
        left_lines.append(left_number)
    docx_cell(table.rows[0].cells[0], left_lines, bold=True, size=12)
    docx_cell(
        table.rows[0].cells[1],
        ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"],
        bold=True,
        size=12,
    )
    p = table.rows[0].cells[1].add_paragraph()
    run = p.add_run(right_place_date)
    run.italic = True
    from docx.shared import Pt
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    run.font.size = Pt(12)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    docx_par(doc)


def docx_grid(doc, header: list[str], rows: list[list[str]], widths_cm=None, size=11):
    from docx.shared import Cm

    table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = "Table Grid"
    for i, text in enumerate(header):
        docx_cell(table.rows[0].cells[i], text, bold=True, size=size)
    for r, row in enumerate(rows, start=1):
        for i, text in enumerate(row):
            docx_cell(table.rows[r].cells[i], text, size=size, align="left" if i else "center")
    if widths_cm:
        for row in table.rows:
            for i, w in enumerate(widths_cm):
                row.cells[i].width = Cm(w)
    return table


def phone(rng: random.Random, prefix: str = "02113") -> str:
    """A Vĩnh Phúc landline (area code 0211): 11 digits, leading zero."""
    return prefix + f"{rng.randrange(700000, 999999):06d}"


def load_fixture_csv(fixtures: Path, name: str) -> list[dict]:
    path = fixtures / "real" / name
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load_fixture_json(fixtures: Path, name: str):
    with (fixtures / "real" / name).open(encoding="utf-8") as f:
        return json.load(f)


# --------------------------------------------------------------------------
# datasets derived from real files (MIT licensed; see descriptors)
# --------------------------------------------------------------------------

def so_tnmt_don_vi_hanh_chinh(fixtures: Path) -> None:
    """wards-pre2025.csv → the 138 rows whose province is Vĩnh Phúc."""
    out = dataset_dir("so-tnmt", "don-vi-hanh-chinh-truoc-2025")
    rows = [
        [r["province"], r["district"], r["ward"]]
        for r in load_fixture_csv(fixtures, "wards-pre2025.csv")
        if r["province"] == "Vĩnh Phúc"
    ]
    write_csv(out / "don-vi-hanh-chinh-cap-xa.csv", ["tinh", "huyen", "xa"], rows)


def cuc_thong_ke_xa_phuong_2025(fixtures: Path) -> None:
    """vn-units-2025.json → the communes of Phú Thọ (province code 25)."""
    out = dataset_dir("cuc-thong-ke", "xa-phuong-phu-tho-2025")
    units = load_fixture_json(fixtures, "vn-units-2025.json")
    (province,) = [p for p in units if p["Code"] == "25"]
    rows = []
    for w in sorted(province["Wards"], key=lambda w: w["Code"]):
        rows.append([
            w["Code"],
            w["Name"],
            w["FullName"],
            w["NameEn"],
            w["FullNameEn"],
            w["AdministrativeUnitShortName"],
            province["Code"],
            province["FullName"],
        ])
    write_csv(
        out / "xa-phuong-phu-tho.csv",
        ["ma_xa", "ten", "ten_day_du", "ten_tieng_anh", "ten_day_du_tieng_anh",
         "loai_don_vi", "ma_tinh", "ten_tinh"],
        rows,
    )


def cuc_thong_ke_sap_xep_2025(fixtures: Path) -> None:
    """vn-units-merges-2025.json → Phú Thọ: old communes merged into each new one."""
    out = dataset_dir("cuc-thong-ke", "sap-xep-xa-phuong-phu-tho-2025")
    merges = load_fixture_json(fixtures, "vn-units-merges-2025.json")
    (province,) = [p for p in merges["data"] if p["level1_id"] == "25"]
    kind = {"full": "toàn bộ", "partial": "một phần"}
    rows = []
    for new in sorted(province["level2s"], key=lambda l: l["level2_id"]):
        for old in new["merges"]:
            rows.append([new["level2_id"], new["name"], old["old_id"], old["name"], kind[old["type"]]])
    write_csv(
        out / "sap-xep-xa-phuong.csv",
        ["ma_xa_moi", "ten_xa_moi", "ma_xa_cu", "ten_xa_cu", "pham_vi_sap_nhap"],
        rows,
    )


def cuc_thong_ke_dan_toc(fixtures: Path) -> None:
    out = dataset_dir("cuc-thong-ke", "dan-toc-viet-nam")
    rows = [
        [r["name"], r["type"], r["type_en"]]
        for r in load_fixture_csv(fixtures, "ethnic-minorities.csv")
    ]
    write_csv(out / "dan-toc.csv", ["ten_dan_toc", "nhom_ngon_ngu", "nhom_ngon_ngu_tieng_anh"], rows)


def so_khdt_doanh_nghiep_niem_yet(fixtures: Path) -> None:
    """listed-companies.csv, every row; only leading/trailing spaces are removed."""
    out = dataset_dir("so-khdt", "doanh-nghiep-niem-yet")
    src = load_fixture_csv(fixtures, "listed-companies.csv")
    keys = ["symbol", "name", "market", "group", "industry", "supersector",
            "sector", "subsector", "listingDate"]
    rows = [[r[k].strip() for k in keys] for r in src]
    write_csv(
        out / "doanh-nghiep-niem-yet.csv",
        ["ma_chung_khoan", "ten_doanh_nghiep", "san_giao_dich", "nhom_chi_so", "nganh",
         "nhom_nganh", "linh_vuc", "phan_nganh", "ngay_niem_yet"],
        rows,
    )


# --------------------------------------------------------------------------
# illustrative sample data
# --------------------------------------------------------------------------

def cuc_thong_ke_dan_so() -> None:
    """Legacy Excel (BIFF8 .xls, xlwt): area, population, density by district."""
    import xlwt

    out = dataset_dir("cuc-thong-ke", "dan-so-theo-huyen")
    growth = {"243": 0.016, "244": 0.014, "246": 0.009, "247": 0.011, "248": 0.010,
              "249": 0.021, "251": 0.010, "252": 0.008, "253": 0.009}
    male_share = {"243": 0.492, "244": 0.494, "246": 0.497, "247": 0.496, "248": 0.501,
                  "249": 0.499, "251": 0.495, "252": 0.494, "253": 0.498}
    header = ["nam", "ma_huyen", "ten_huyen", "dien_tich", "dan_so_trung_binh",
              "dan_so_nam", "dan_so_nu", "mat_do_dan_so"]
    rows = []
    for year in range(2020, 2025):
        for code, name, area, pop2024 in DISTRICTS:
            pop = int(round(pop2024 / (1 + growth[code]) ** (2024 - year), -1))
            male = int(round(pop * male_share[code]))
            rows.append([year, code, name, area, pop, male, pop - male, round(pop / area, 1)])

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("Dân số")
    bold = xlwt.easyxf("font: bold on; pattern: pattern solid, fore_colour ice_blue")
    text = xlwt.easyxf("", num_format_str="@")
    integer = xlwt.easyxf("", num_format_str="#,##0")
    decimal = xlwt.easyxf("", num_format_str="#,##0.00")
    decimal1 = xlwt.easyxf("", num_format_str="#,##0.0")
    for c, h in enumerate(header):
        ws.write(0, c, h, bold)
    styles = [xlwt.easyxf("", num_format_str="0"), text, text, decimal, integer, integer, integer, decimal1]
    for r, row in enumerate(rows, start=1):
        nfc_check(row, "dan-so")
        for c, v in enumerate(row):
            ws.write(r, c, v, styles[c])
    for c, width in enumerate([8, 10, 24, 12, 18, 14, 14, 15]):
        ws.col(c).width = 256 * width
    ws.set_panes_frozen(True)
    ws.set_horz_split_pos(1)
    path = out / "dan-so-theo-huyen.xls"
    wb.save(str(path))
    print(f"  wrote {path.relative_to(ROOT)} ({len(rows)} rows)")


CPI_GROUPS = [
    # code, name, weight (‰ of 100), drift %/month, volatility
    ("01", "Hàng ăn và dịch vụ ăn uống", 33.56, 0.30, 0.55),
    ("02", "Đồ uống và thuốc lá", 2.73, 0.15, 0.15),
    ("03", "May mặc, mũ nón và giày dép", 5.70, 0.12, 0.15),
    ("04", "Nhà ở, điện, nước, chất đốt và vật liệu xây dựng", 15.73, 0.35, 0.70),
    ("05", "Thiết bị và đồ dùng gia đình", 6.74, 0.10, 0.12),
    ("06", "Thuốc và dịch vụ y tế", 5.39, 0.30, 0.60),
    ("07", "Giao thông", 9.67, 0.05, 1.60),
    ("08", "Bưu chính viễn thông", 3.14, -0.05, 0.10),
    ("09", "Giáo dục", 5.99, 0.40, 0.90),
    ("10", "Văn hóa, giải trí và du lịch", 4.55, 0.15, 0.30),
    ("11", "Hàng hóa và dịch vụ khác", 6.80, 0.20, 0.25),
]


def cuc_thong_ke_cpi() -> None:
    out = dataset_dir("cuc-thong-ke", "chi-so-gia-tieu-dung-2024")
    rng = random.Random(20241)
    start = {"01": 111.8, "02": 107.2, "03": 104.1, "04": 110.5, "05": 103.6, "06": 102.9,
             "07": 118.4, "08": 98.7, "09": 109.3, "10": 104.8, "11": 106.9}
    months = [(y, m) for y in (2023, 2024) for m in range(1, 13)]
    series: dict[str, list[float]] = {}
    for code, _name, _w, drift, vol in CPI_GROUPS:
        level = start[code]
        values = []
        for y, m in months:
            change = drift + rng.gauss(0, vol) / 2
            if code == "01" and m in (1, 2):
                change += 0.8  # Tết
            if code == "09" and m == 9:
                change += 2.5  # new school year
            level *= 1 + change / 100
            values.append(level)
        series[code] = values
    total_w = sum(g[2] for g in CPI_GROUPS)
    series["00"] = [
        sum(series[g[0]][i] * g[2] for g in CPI_GROUPS) / total_w for i in range(len(months))
    ]
    names = {"00": "Chỉ số giá tiêu dùng chung"} | {g[0]: g[1] for g in CPI_GROUPS}
    rows = []
    for i, (y, m) in enumerate(months):
        if y != 2024:
            continue
        for code in ["00"] + [g[0] for g in CPI_GROUPS]:
            s = series[code]
            rows.append([
                y, m, code, names[code],
                round(s[i], 2),
                round(s[i] / s[i - 12] * 100, 2),
                round(s[i] / s[i - 1] * 100, 2),
            ])
    write_csv(
        out / "chi-so-gia-tieu-dung-2024.csv",
        ["nam", "thang", "ma_nhom", "nhom_hang", "chi_so_so_voi_ky_goc",
         "chi_so_so_voi_cung_ky", "chi_so_so_voi_thang_truoc"],
        rows,
    )


def so_khdt_dang_ky_doanh_nghiep() -> None:
    out = dataset_dir("so-khdt", "dang-ky-doanh-nghiep-2024")
    rng = random.Random(2024_02)
    share = {"243": 0.29, "244": 0.14, "246": 0.05, "247": 0.07, "248": 0.05,
             "249": 0.15, "251": 0.10, "252": 0.10, "253": 0.05}
    quarter = {1: 0.80, 2: 1.05, 3: 0.98, 4: 1.17}
    annual_new = 1360
    rows = []
    for q in range(1, 5):
        for code, name, _a, _p in DISTRICTS:
            base = annual_new / 4 * share[code] * quarter[q]
            new = max(3, int(round(base * rng.uniform(0.85, 1.15))))
            capital = round(new * rng.uniform(5.5, 11.0), 1)
            labour = int(round(new * rng.uniform(6, 12)))
            back = int(round(new * rng.uniform(0.25, 0.45)))
            paused = int(round(new * rng.uniform(0.45, 0.75) * (1.6 if q == 1 else 1.0)))
            dissolved = int(round(new * rng.uniform(0.12, 0.25)))
            rows.append([2024, q, code, name, new, capital, labour, back, paused, dissolved])
    write_csv(
        out / "dang-ky-doanh-nghiep-2024.csv",
        ["nam", "quy", "ma_huyen", "ten_huyen", "so_doanh_nghiep_thanh_lap_moi",
         "von_dang_ky", "so_lao_dong_dang_ky", "so_doanh_nghiep_quay_lai_hoat_dong",
         "so_doanh_nghiep_tam_ngung", "so_doanh_nghiep_giai_the"],
        rows,
    )


AIR_STATIONS = [
    # code, name, location, district code, kind, lat, lon, start date, PM2.5 base
    ("KK01", "Trạm quan trắc không khí tự động Vĩnh Yên", "Phường Liên Bảo", "243",
     "Tự động, liên tục", 21.3089, 105.6049, dt.date(2019, 6, 1), 33.0),
    ("KK02", "Trạm quan trắc không khí tự động Phúc Yên", "Phường Trưng Trắc", "244",
     "Tự động, liên tục", 21.2378, 105.7046, dt.date(2020, 3, 1), 35.0),
    ("KK03", "Trạm quan trắc không khí Khu công nghiệp Bình Xuyên", "Thị trấn Hương Canh", "249",
     "Tự động, liên tục", 21.2751, 105.6522, dt.date(2020, 9, 15), 39.0),
    ("KK04", "Trạm quan trắc không khí Tam Đảo", "Thị trấn Tam Đảo", "248",
     "Tự động, liên tục", 21.4562, 105.6447, dt.date(2021, 1, 1), 17.0),
    ("KK05", "Điểm quan trắc định kỳ Vĩnh Tường", "Thị trấn Vĩnh Tường", "252",
     "Định kỳ, hằng tháng", 21.2507, 105.4979, dt.date(2018, 1, 1), 30.0),
    ("KK06", "Điểm quan trắc định kỳ Lập Thạch", "Thị trấn Lập Thạch", "246",
     "Định kỳ, hằng tháng", 21.4127, 105.4611, dt.date(2024, 4, 1), 26.0),
]

PM25_SEASON = [1.45, 1.25, 1.05, 0.85, 0.70, 0.60, 0.55, 0.60, 0.75, 0.95, 1.20, 1.40]


def aqi_sub(value: float, breaks: list[float]) -> float:
    levels = [0, 50, 100, 150, 200, 300, 400, 500]
    for i in range(1, len(breaks)):
        if value <= breaks[i]:
            lo, hi = breaks[i - 1], breaks[i]
            return levels[i - 1] + (levels[i] - levels[i - 1]) * (value - lo) / (hi - lo)
    return 500.0


def so_tnmt_quan_trac_khong_khi() -> None:
    """xlsx with two sheets: stations and monthly results."""
    out = dataset_dir("so-tnmt", "quan-trac-khong-khi-2024")
    rng = random.Random(2024_06)
    stations = []
    for code, name, place, dcode, kind, lat, lon, start, _b in AIR_STATIONS:
        stations.append([code, name, f"{place}, {DISTRICT_BY_CODE[dcode][1]}",
                         DISTRICT_BY_CODE[dcode][1], kind, lat, lon, start])
    results = []
    for code, _n, _p, _d, _k, _lat, _lon, start, base in AIR_STATIONS:
        for m in range(1, 13):
            if dt.date(2024, m, 1) < start:
                continue
            season = PM25_SEASON[m - 1]
            pm25 = round(base * season * rng.uniform(0.9, 1.1), 1)
            pm10 = round(pm25 * rng.uniform(1.55, 1.85), 1)
            no2 = round((14 if code == "KK04" else 28) * (0.8 + 0.3 * season) * rng.uniform(0.85, 1.15), 1)
            so2 = round((5 if code == "KK04" else 11) * rng.uniform(0.8, 1.2), 1)
            co = int(round((650 if code == "KK04" else 1150) * (0.7 + 0.35 * season) * rng.uniform(0.9, 1.1), -1))
            o3 = round(60 * (1.5 - 0.45 * season) * rng.uniform(0.85, 1.15), 1)
            aqi = int(math.ceil(max(
                aqi_sub(pm25, [0, 25, 50, 80, 150, 250, 350, 500]),
                aqi_sub(pm10, [0, 50, 150, 250, 350, 420, 500, 600]),
            )))
            note = ""
            if code == "KK05" and m == 8:
                so2 = None
                note = "Thiết bị đo SO2 bảo trì, không có số liệu"
            if code == "KK06" and m == 4:
                note = "Tháng đầu tiên quan trắc"
            results.append([code, 2024, m, pm25, pm10, no2, so2, co, o3, aqi, note])

    wb = new_workbook("Kết quả quan trắc chất lượng không khí tỉnh Vĩnh Phúc năm 2024",
                      "Sở Tài nguyên và Môi trường tỉnh Vĩnh Phúc")
    xlsx_sheet(
        wb, "Trạm quan trắc",
        ["ma_tram", "ten_tram", "dia_diem", "huyen", "hinh_thuc", "vi_do", "kinh_do",
         "ngay_bat_dau_hoat_dong"],
        stations,
        widths=[9, 52, 44, 22, 20, 10, 10, 22],
        formats={"ngay_bat_dau_hoat_dong": "yyyy-mm-dd", "vi_do": "0.0000", "kinh_do": "0.0000"},
    )
    xlsx_sheet(
        wb, "Kết quả quan trắc",
        ["ma_tram", "nam", "thang", "pm25", "pm10", "no2", "so2", "co", "o3", "vn_aqi", "ghi_chu"],
        results,
        widths=[9, 7, 7, 8, 8, 8, 8, 8, 8, 8, 42],
    )
    save_xlsx(wb, out / "quan-trac-khong-khi-2024.xlsx")


# Budget (triệu đồng): code, printed number, label, level, estimate 2024,
# estimated outturn 2024 (None = not given), estimate 2025. Parents are summed.
BUDGET_REVENUE = [
    ("TONG", "", "TỔNG THU NGÂN SÁCH NHÀ NƯỚC TRÊN ĐỊA BÀN", 0, None, None, None),
    ("I", "I", "Thu nội địa", 1, None, None, None),
    ("I.01", "1", "Thu từ khu vực doanh nghiệp nhà nước do trung ương quản lý", 2, 420_000, 465_000, 480_000),
    ("I.02", "2", "Thu từ khu vực doanh nghiệp nhà nước do địa phương quản lý", 2, 95_000, 101_000, 105_000),
    ("I.03", "3", "Thu từ khu vực doanh nghiệp có vốn đầu tư nước ngoài", 2, 13_800_000, 14_250_000, 14_600_000),
    ("I.04", "4", "Thu từ khu vực kinh tế ngoài quốc doanh", 2, 2_600_000, 2_820_000, 2_950_000),
    ("I.05", "5", "Thuế thu nhập cá nhân", 2, 1_450_000, 1_610_000, 1_700_000),
    ("I.06", "6", "Thuế bảo vệ môi trường", 2, 720_000, 690_000, 750_000),
    ("I.07", "7", "Lệ phí trước bạ", 2, 780_000, 740_000, 800_000),
    ("I.08", "8", "Thu phí, lệ phí", 2, 260_000, 275_000, 280_000),
    ("I.09", "9", "Thu tiền sử dụng đất", 2, 6_000_000, 4_850_000, 5_500_000),
    ("I.10", "10", "Thu tiền cho thuê đất, thuê mặt nước", 2, 650_000, 720_000, 750_000),
    ("I.11", "11", "Thu khác ngân sách", 2, 325_000, 379_000, 385_000),
    ("II", "II", "Thu từ hoạt động xuất khẩu, nhập khẩu", 1, 4_800_000, 5_300_000, 5_500_000),
]
BUDGET_EXPENDITURE = [
    ("TONG", "", "TỔNG CHI NGÂN SÁCH ĐỊA PHƯƠNG", 0, None, None, None),
    ("A", "A", "Chi cân đối ngân sách địa phương", 1, None, None, None),
    ("A.I", "I", "Chi đầu tư phát triển", 2, 7_200_000, 6_800_000, 7_800_000),
    ("A.II", "II", "Chi thường xuyên", 2, None, None, None),
    ("A.II.01", "1", "Chi sự nghiệp giáo dục, đào tạo và dạy nghề", 3, 3_650_000, 3_700_000, 3_900_000),
    ("A.II.02", "2", "Chi sự nghiệp khoa học và công nghệ", 3, 95_000, 80_000, 120_000),
    ("A.II.03", "3", "Chi sự nghiệp y tế, dân số và gia đình", 3, 1_180_000, 1_210_000, 1_260_000),
    ("A.II.04", "4", "Chi sự nghiệp văn hóa thông tin", 3, 145_000, 150_000, 155_000),
    ("A.II.05", "5", "Chi sự nghiệp phát thanh, truyền hình", 3, 70_000, 72_000, 75_000),
    ("A.II.06", "6", "Chi sự nghiệp thể dục thể thao", 3, 85_000, 88_000, 90_000),
    ("A.II.07", "7", "Chi sự nghiệp bảo vệ môi trường", 3, 420_000, 405_000, 450_000),
    ("A.II.08", "8", "Chi các hoạt động kinh tế", 3, 1_350_000, 1_420_000, 1_480_000),
    ("A.II.09", "9", "Chi hoạt động của cơ quan quản lý nhà nước, Đảng, đoàn thể", 3, 1_600_000, 1_650_000, 1_700_000),
    ("A.II.10", "10", "Chi bảo đảm xã hội", 3, 560_000, 590_000, 620_000),
    ("A.II.11", "11", "Chi thường xuyên khác", 3, 110_000, 125_000, 120_000),
    ("A.III", "III", "Chi trả nợ lãi các khoản do chính quyền địa phương vay", 2, 12_000, 11_500, 10_000),
    ("A.IV", "IV", "Chi bổ sung quỹ dự trữ tài chính", 2, 1_500, 1_500, 1_500),
    ("A.V", "V", "Dự phòng ngân sách", 2, 360_000, None, 380_000),
    ("B", "B", "Chi các chương trình mục tiêu quốc gia và nhiệm vụ khác", 1, 650_000, 700_000, 720_000),
]


def budget_rows(items):
    """Fill parent totals (sum of direct children) and the comparison column."""
    items = [list(i) for i in items]
    for idx in reversed(range(len(items))):
        code, _n, _l, level = items[idx][:4]
        if items[idx][4] is not None:
            continue
        children = []
        for j in range(idx + 1, len(items)):
            if items[j][3] <= level:
                break
            if items[j][3] == level + 1:
                children.append(items[j])
        for col in (4, 5, 6):
            values = [c[col] for c in children]
            items[idx][col] = sum(v for v in values if v is not None)
    rows = []
    for code, number, label, level, est24, out24, est25 in items:
        ratio = round(est25 / est24 * 100, 1)
        rows.append([code, number, label, level, est24, out24, est25, ratio])
    return rows


def so_tai_chinh_du_toan() -> None:
    out = dataset_dir("so-tai-chinh", "du-toan-ngan-sach-2025")
    revenue = budget_rows(BUDGET_REVENUE)
    spending = budget_rows(BUDGET_EXPENDITURE)
    header = ["ma_chi_tieu", "stt", "noi_dung", "cap", "du_toan_2024", "uoc_thuc_hien_2024",
              "du_toan_2025", "so_sanh_du_toan"]
    wb = new_workbook("Dự toán ngân sách địa phương tỉnh Vĩnh Phúc năm 2025 (minh họa)",
                      "Sở Tài chính tỉnh Vĩnh Phúc")
    money = {c: "#,##0" for c in ("du_toan_2024", "uoc_thuc_hien_2024", "du_toan_2025")}
    money["so_sanh_du_toan"] = "0.0"
    widths = [11, 6, 64, 6, 16, 18, 16, 16]
    xlsx_sheet(wb, "Thu ngân sách", header, revenue, widths=widths, formats=money)
    xlsx_sheet(wb, "Chi ngân sách", header, spending, widths=widths, formats=money)
    save_xlsx(wb, out / "du-toan-ngan-sach-2025.xlsx")
    budget_pdf(out / "thuyet-minh-du-toan-2025.pdf", revenue, spending)


def vn_number(value: float, decimals: int = 0) -> str:
    """Vietnamese number format: 1.234.567,8"""
    text = f"{value:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def budget_pdf(path: Path, revenue, spending) -> None:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    def ty(v):  # triệu đồng → tỷ đồng
        return vn_number(v / 1000, 0)

    rev = {r[0]: r for r in revenue}
    spe = {r[0]: r for r in spending}
    pdf = FPDF(format="A4")
    pdf.set_creation_date(dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc))
    pdf.set_title("Thuyết minh dự toán ngân sách địa phương năm 2025 (minh họa)")
    pdf.set_author("Sở Tài chính tỉnh Vĩnh Phúc")
    pdf.set_subject(SAMPLE_NOTE)
    pdf.set_creator("scripts/make_sample_data.py")
    pdf.set_lang("vi")
    pdf.add_font("DejaVu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(FONT_DIR / "DejaVuSans-Oblique.ttf"))
    pdf.set_margins(20, 18, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.add_page()

    def text(s, style="", size=10.5, align="J", h=5.6):
        nfc_check(s, "pdf")
        pdf.set_font("DejaVu", style, size)
        pdf.multi_cell(0, h, s, align=align, new_x="LMARGIN", new_y="NEXT")

    # heading: two columns
    y = pdf.get_y()
    pdf.set_font("DejaVu", "", 9.5)
    pdf.multi_cell(70, 5, "ỦY BAN NHÂN DÂN\nTỈNH VĨNH PHÚC", align="C", new_x="RIGHT", new_y="TOP")
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.multi_cell(0, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc",
                   align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(20, y + 10)
    pdf.set_font("DejaVu", "B", 9.5)
    pdf.multi_cell(70, 5, "SỞ TÀI CHÍNH", align="C", new_x="RIGHT", new_y="TOP")
    pdf.set_font("DejaVu", "I", 9.5)
    pdf.multi_cell(0, 5, "Vĩnh Phúc, ngày 20 tháng 12 năm 2024", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    text("THUYẾT MINH", "B", 13, "C", 7)
    text("Dự toán thu ngân sách nhà nước trên địa bàn và chi ngân sách địa phương\n"
         "tỉnh Vĩnh Phúc năm 2025", "B", 11, "C", 6)
    pdf.ln(3)
    pdf.set_fill_color(255, 243, 205)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(0, 6, "TÀI LIỆU MINH HỌA cho Cổng dữ liệu mở: " + SAMPLE_NOTE +
                   " Các con số được tạo ra để minh họa định dạng, không dùng để trích dẫn.",
                   align="C", fill=True, border=1, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)

    tong_thu, noi_dia, xnk = rev["TONG"], rev["I"], rev["II"]
    tong_chi, dtpt, tx = spe["TONG"], spe["A.I"], spe["A.II"]
    text("1. Căn cứ lập dự toán", "B", 11)
    text("Dự toán được lập theo Luật Ngân sách nhà nước số 83/2015/QH13, các văn bản hướng dẫn "
         "của Bộ Tài chính về xây dựng dự toán ngân sách nhà nước năm 2025 và tình hình thực hiện "
         "nhiệm vụ thu, chi ngân sách năm 2024 trên địa bàn tỉnh. Số liệu được công khai theo "
         "hướng dẫn tại Thông tư số 343/2016/TT-BTC của Bộ Tài chính.")
    pdf.ln(2)
    text("2. Dự toán thu ngân sách nhà nước trên địa bàn", "B", 11)
    text(f"Tổng thu ngân sách nhà nước trên địa bàn năm 2025 dự kiến {ty(tong_thu[6])} tỷ đồng, "
         f"bằng {vn_number(tong_thu[7], 1)}% dự toán năm 2024. Trong đó thu nội địa "
         f"{ty(noi_dia[6])} tỷ đồng, thu từ hoạt động xuất khẩu, nhập khẩu {ty(xnk[6])} tỷ đồng. "
         f"Khu vực doanh nghiệp có vốn đầu tư nước ngoài tiếp tục là nguồn thu lớn nhất "
         f"({ty(rev['I.03'][6])} tỷ đồng); thu tiền sử dụng đất dự kiến {ty(rev['I.09'][6])} tỷ đồng.")
    pdf.ln(2)
    text("3. Dự toán chi ngân sách địa phương", "B", 11)
    text(f"Tổng chi ngân sách địa phương năm 2025 dự kiến {ty(tong_chi[6])} tỷ đồng, trong đó chi "
         f"đầu tư phát triển {ty(dtpt[6])} tỷ đồng, chi thường xuyên {ty(tx[6])} tỷ đồng. "
         f"Chi sự nghiệp giáo dục, đào tạo và dạy nghề chiếm "
         f"{vn_number(spe['A.II.01'][6] / tx[6] * 100, 1)}% chi thường xuyên; dự phòng ngân sách "
         f"{ty(spe['A.V'][6])} tỷ đồng.")
    pdf.ln(3)
    text("Bảng tổng hợp (đơn vị: tỷ đồng)", "B", 10.5, "L")
    pdf.ln(1)
    pdf.set_font("DejaVu", "", 9.5)
    summary = [
        ("Tổng thu NSNN trên địa bàn", tong_thu),
        ("  - Thu nội địa", noi_dia),
        ("  - Thu từ hoạt động xuất nhập khẩu", xnk),
        ("Tổng chi ngân sách địa phương", tong_chi),
        ("  - Chi đầu tư phát triển", dtpt),
        ("  - Chi thường xuyên", tx),
    ]
    with pdf.table(
        col_widths=(78, 28, 28, 28, 20),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=(221, 235, 247)),
        line_height=6,
    ) as table:
        head = table.row()
        for h in ("Chỉ tiêu", "Dự toán 2024", "Ước TH 2024", "Dự toán 2025", "So sánh (%)"):
            head.cell(h)
        for label, r in summary:
            row = table.row()
            row.cell(label)
            row.cell(ty(r[4]))
            row.cell(ty(r[5]))
            row.cell(ty(r[6]))
            row.cell(vn_number(r[7], 1))
    pdf.ln(4)
    text("Số liệu chi tiết theo từng chỉ tiêu có trong tệp du-toan-ngan-sach-2025.xlsx kèm theo "
         "bộ dữ liệu (hai trang tính: Thu ngân sách, Chi ngân sách; đơn vị triệu đồng).", "I", 9.5)
    pdf.ln(8)
    y = pdf.get_y()
    pdf.set_xy(105, y)
    pdf.set_font("DejaVu", "B", 10)
    pdf.multi_cell(85, 5.5, "GIÁM ĐỐC SỞ TÀI CHÍNH", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_x(105)
    pdf.set_font("DejaVu", "I", 9.5)
    pdf.multi_cell(85, 5.5, "(Tài liệu minh họa, không có chữ ký)", align="C",
                   new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    print(f"  wrote {path.relative_to(ROOT)}")


HEALTH_FACILITIES = [
    # code, name, kind, district code, location, beds, doctors, licence date
    ("26001", "Bệnh viện Đa khoa tỉnh Vĩnh Phúc", "Bệnh viện đa khoa tuyến tỉnh", "243", "Phường Liên Bảo", 850, 262, dt.date(2013, 7, 12)),
    ("26002", "Bệnh viện Sản Nhi Vĩnh Phúc", "Bệnh viện chuyên khoa tuyến tỉnh", "243", "Phường Hội Hợp", 500, 148, dt.date(2014, 3, 20)),
    ("26003", "Bệnh viện Y dược cổ truyền Vĩnh Phúc", "Bệnh viện chuyên khoa tuyến tỉnh", "243", "Phường Đồng Tâm", 250, 64, dt.date(2013, 11, 5)),
    ("26004", "Bệnh viện Tâm thần Vĩnh Phúc", "Bệnh viện chuyên khoa tuyến tỉnh", "243", "Phường Khai Quang", 150, 31, dt.date(2014, 8, 18)),
    ("26005", "Bệnh viện Đa khoa khu vực Phúc Yên", "Bệnh viện đa khoa khu vực", "244", "Phường Hùng Vương", 400, 108, dt.date(2013, 9, 27)),
    ("26011", "Trung tâm Y tế thành phố Vĩnh Yên", "Trung tâm y tế cấp huyện", "243", "Phường Ngô Quyền", 120, 46, dt.date(2018, 5, 14)),
    ("26012", "Trung tâm Y tế thành phố Phúc Yên", "Trung tâm y tế cấp huyện", "244", "Phường Trưng Nhị", 110, 39, dt.date(2018, 5, 14)),
    ("26013", "Trung tâm Y tế huyện Lập Thạch", "Trung tâm y tế cấp huyện", "246", "Thị trấn Lập Thạch", 230, 58, dt.date(2018, 6, 4)),
    ("26014", "Trung tâm Y tế huyện Tam Dương", "Trung tâm y tế cấp huyện", "247", "Thị trấn Hợp Hòa", 180, 49, dt.date(2018, 6, 4)),
    ("26015", "Trung tâm Y tế huyện Tam Đảo", "Trung tâm y tế cấp huyện", "248", "Xã Hợp Châu", 150, 41, dt.date(2018, 6, 11)),
    ("26016", "Trung tâm Y tế huyện Bình Xuyên", "Trung tâm y tế cấp huyện", "249", "Thị trấn Hương Canh", 200, 55, dt.date(2018, 6, 11)),
    ("26017", "Trung tâm Y tế huyện Yên Lạc", "Trung tâm y tế cấp huyện", "251", "Thị trấn Yên Lạc", 220, 60, dt.date(2018, 6, 18)),
    ("26018", "Trung tâm Y tế huyện Vĩnh Tường", "Trung tâm y tế cấp huyện", "252", "Thị trấn Vĩnh Tường", 260, 71, dt.date(2018, 6, 18)),
    ("26019", "Trung tâm Y tế huyện Sông Lô", "Trung tâm y tế cấp huyện", "253", "Thị trấn Tam Sơn", 160, 43, dt.date(2018, 6, 25)),
    ("26101", "Trạm Y tế phường Tích Sơn", "Trạm y tế cấp xã", "243", "Phường Tích Sơn", 0, 2, dt.date(2019, 10, 1)),
    ("26102", "Trạm Y tế xã Thanh Trù", "Trạm y tế cấp xã", "243", "Xã Thanh Trù", 5, 1, dt.date(2019, 10, 1)),
    ("26103", "Trạm Y tế xã Ngọc Thanh", "Trạm y tế cấp xã", "244", "Xã Ngọc Thanh", 5, 2, dt.date(2019, 10, 8)),
    ("26104", "Trạm Y tế xã Liễn Sơn", "Trạm y tế cấp xã", "246", "Xã Liễn Sơn", 5, 1, dt.date(2019, 10, 8)),
    ("26105", "Trạm Y tế xã Hướng Đạo", "Trạm y tế cấp xã", "247", "Xã Hướng Đạo", 5, 1, dt.date(2019, 10, 15)),
    ("26106", "Trạm Y tế xã Đại Đình", "Trạm y tế cấp xã", "248", "Xã Đại Đình", 5, 1, dt.date(2019, 10, 15)),
    ("26107", "Trạm Y tế xã Thiện Kế", "Trạm y tế cấp xã", "249", "Xã Thiện Kế", 5, 1, dt.date(2019, 10, 22)),
    ("26108", "Trạm Y tế xã Tề Lỗ", "Trạm y tế cấp xã", "251", "Xã Tề Lỗ", 5, 1, dt.date(2019, 10, 22)),
    ("26109", "Trạm Y tế xã Tân Tiến", "Trạm y tế cấp xã", "252", "Xã Tân Tiến", 5, 2, dt.date(2019, 10, 29)),
    ("26110", "Trạm Y tế xã Đồng Thịnh", "Trạm y tế cấp xã", "253", "Xã Đồng Thịnh", 5, 1, dt.date(2019, 10, 29)),
]


def so_y_te_co_so_kcb() -> None:
    out = dataset_dir("so-y-te", "co-so-kham-chua-benh")
    rng = random.Random(2024_04)
    rows = []
    for code, name, kind, dcode, place, beds, doctors, licensed in HEALTH_FACILITIES:
        district = DISTRICT_BY_CODE[dcode][1]
        rows.append([code, name, kind, "Công lập", district, f"{place}, {district}",
                     beds, doctors, phone(rng), licensed])
    write_csv(
        out / "co-so-kham-chua-benh.csv",
        ["ma_co_so", "ten_co_so", "loai_hinh", "hinh_thuc_so_huu", "huyen", "dia_chi",
         "so_giuong_benh", "so_bac_si", "dien_thoai", "ngay_cap_phep_hoat_dong"],
        rows,
    )


SCHOOLS = [
    # name, district code, classes, accredited
    ("Trường THPT Chuyên Vĩnh Phúc", "243", 33, True),
    ("Trường THPT Trần Phú", "243", 42, True),
    ("Trường THPT Vĩnh Yên", "243", 36, True),
    ("Trường THPT Bến Tre", "244", 33, True),
    ("Trường THPT Xuân Hòa", "244", 36, True),
    ("Trường THPT Hai Bà Trưng", "244", 30, False),
    ("Trường THPT Liễn Sơn", "246", 36, True),
    ("Trường THPT Ngô Gia Tự", "246", 39, True),
    ("Trường THPT Triệu Thái", "246", 33, False),
    ("Trường THPT Tam Dương", "247", 36, True),
    ("Trường THPT Tam Đảo", "248", 30, True),
    ("Trường THPT Bình Xuyên", "249", 39, True),
    ("Trường THPT Quang Hà", "249", 36, True),
    ("Trường THPT Yên Lạc", "251", 39, True),
    ("Trường THPT Yên Lạc 2", "251", 36, True),
    ("Trường THPT Phạm Công Bình", "251", 33, False),
    ("Trường THPT Lê Xoay", "252", 42, True),
    ("Trường THPT Nguyễn Viết Xuân", "252", 39, True),
    ("Trường THPT Vĩnh Tường", "252", 36, False),
    ("Trường THPT Sông Lô", "253", 30, False),
    ("Trường THPT Sáng Sơn", "253", 33, True),
]


def so_gddt_truong_thpt() -> None:
    out = dataset_dir("so-gddt", "truong-thpt")
    rng = random.Random(2024_05)
    rows = []
    for i, (name, dcode, classes, accredited) in enumerate(SCHOOLS, start=1):
        per_class = 35 if "Chuyên" in name else rng.randint(40, 44)
        pupils = classes * per_class + rng.randint(-15, 15)
        teachers = int(round(classes * rng.uniform(2.1, 2.35)))
        rows.append([f"{i:03d}", name, "Công lập", DISTRICT_BY_CODE[dcode][1], phone(rng),
                     "2024-2025", classes, pupils, teachers, accredited])
    write_csv(
        out / "truong-thpt.csv",
        ["ma_truong", "ten_truong", "loai_hinh", "huyen", "dien_thoai", "nam_hoc",
         "so_lop", "so_hoc_sinh", "so_giao_vien", "dat_chuan_quoc_gia"],
        rows,
    )


RECEPTION_DAYS = [
    # date, chaired by, note
    (dt.date(2025, 1, 10), "Chủ tịch UBND thành phố", ""),
    (dt.date(2025, 1, 21), "Phó Chủ tịch UBND thành phố (được ủy quyền)", "Lùi từ ngày 20/01/2025 do trùng lịch họp tổng kết năm"),
    (dt.date(2025, 2, 10), "Chủ tịch UBND thành phố", ""),
    (dt.date(2025, 2, 20), "Chủ tịch UBND thành phố", ""),
    (dt.date(2025, 3, 10), "Chủ tịch UBND thành phố", ""),
    (dt.date(2025, 3, 20), "Phó Chủ tịch UBND thành phố (được ủy quyền)", ""),
    (dt.date(2025, 4, 10), "Chủ tịch UBND thành phố", ""),
    (dt.date(2025, 4, 21), "Chủ tịch UBND thành phố", "Ngày 20/04/2025 là Chủ nhật"),
    (dt.date(2025, 5, 12), "Chủ tịch UBND thành phố", "Ngày 10/05/2025 là thứ Bảy"),
    (dt.date(2025, 5, 20), "Chủ tịch UBND thành phố", ""),
    (dt.date(2025, 6, 10), "Chủ tịch UBND thành phố", ""),
    (dt.date(2025, 6, 20), "Phó Chủ tịch UBND thành phố (được ủy quyền)", ""),
]
WEEKDAYS_VI = ["Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật"]


def ubnd_vinh_yen_tiep_cong_dan() -> None:
    out = dataset_dir("ubnd-vinh-yen", "lich-tiep-cong-dan-2025")
    place = "Trụ sở Tiếp công dân thành phố Vĩnh Yên"
    rows = []
    for day, chair, note in RECEPTION_DAYS:
        assert day.weekday() < 5, day
        rows.append([day, WEEKDAYS_VI[day.weekday()], dt.time(7, 30), dt.time(11, 30),
                     chair, place, note])
    write_csv(
        out / "lich-tiep-cong-dan-2025.csv",
        ["ngay", "thu", "gio_bat_dau", "gio_ket_thuc", "nguoi_chu_tri", "dia_diem", "ghi_chu"],
        rows,
    )

    doc = new_document("Thông báo lịch tiếp công dân định kỳ 6 tháng đầu năm 2025 (minh họa)",
                       "UBND thành phố Vĩnh Yên")
    docx_header(doc, ["ỦY BAN NHÂN DÂN", "THÀNH PHỐ VĨNH YÊN"],
                "Vĩnh Yên, ngày 27 tháng 12 năm 2024", "Số: …/TB-UBND")
    docx_par(doc, "THÔNG BÁO", bold=True, size=14, align="center", space_after=0)
    docx_par(doc, "Lịch tiếp công dân định kỳ của Chủ tịch Ủy ban nhân dân thành phố\n"
                  "6 tháng đầu năm 2025", bold=True, align="center")
    docx_par(doc, "(Văn bản minh họa cho Cổng dữ liệu mở. " + SAMPLE_NOTE + ")",
             italic=True, size=11, align="center")
    docx_par(doc, "Căn cứ Luật Tiếp công dân số 42/2013/QH13 ngày 25 tháng 11 năm 2013; Nghị định "
                  "số 64/2014/NĐ-CP ngày 26 tháng 6 năm 2014 của Chính phủ quy định chi tiết một số "
                  "điều của Luật Tiếp công dân;", align="justify")
    docx_par(doc, "Ủy ban nhân dân thành phố Vĩnh Yên thông báo lịch tiếp công dân định kỳ của Chủ "
                  "tịch Ủy ban nhân dân thành phố trong 6 tháng đầu năm 2025 như sau:", align="justify")
    docx_par(doc, "1. Thời gian: buổi sáng, từ 07 giờ 30 đến 11 giờ 30 các ngày trong bảng dưới đây.",
             align="justify")
    docx_par(doc, f"2. Địa điểm: {place}.", align="justify")
    table_rows = []
    for i, r in enumerate(rows, start=1):
        day = r[0]
        table_rows.append([str(i), f"{r[1]}, {day:%d/%m/%Y}", r[4], r[6]])
    docx_grid(doc, ["STT", "Ngày tiếp", "Người chủ trì", "Ghi chú"], table_rows,
              widths_cm=[1.2, 4.3, 5.5, 5.0])
    docx_par(doc)
    docx_par(doc, "Trường hợp Chủ tịch Ủy ban nhân dân thành phố bận công tác đột xuất, việc tiếp "
                  "công dân do Phó Chủ tịch được ủy quyền thực hiện. Công dân đến trình bày khiếu nại, "
                  "tố cáo, kiến nghị, phản ánh mang theo giấy tờ tùy thân và tài liệu liên quan.",
             align="justify")
    docx_par(doc, "Ủy ban nhân dân thành phố thông báo để các cơ quan, đơn vị và Nhân dân được biết./.",
             align="justify")
    sign = doc.add_table(rows=1, cols=2)
    docx_cell(sign.rows[0].cells[0], ["Nơi nhận:", "- Thanh tra tỉnh;", "- TT Thành ủy, HĐND TP;",
                                      "- Các phường, xã;", "- Lưu: VT."], size=11, align="left")
    docx_cell(sign.rows[0].cells[1], ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "(Văn bản minh họa)"],
              bold=True, size=12)
    save_docx(doc, out / "thong-bao-lich-tiep-cong-dan-2025.docx")


TTHC_FIELDS = [
    # field, monthly volume, online share
    ("Chứng thực", 2100, 0.08),
    ("Đất đai", 420, 0.35),
    ("Hộ tịch", 160, 0.55),
    ("Xây dựng", 65, 0.60),
    ("Thành lập và hoạt động của hộ kinh doanh", 95, 0.80),
    ("Lao động, thương binh và xã hội", 120, 0.45),
]
MONTH_FACTOR = {1: 1.10, 2: 0.70, 3: 1.05, 4: 1.00, 5: 0.98, 6: 1.04}


def ubnd_phuc_yen_tthc() -> None:
    out = dataset_dir("ubnd-phuc-yen", "ket-qua-giai-quyet-tthc-2025")
    rng = random.Random(2025_07)
    rows = []
    for m in range(1, 7):
        for field, volume, online in TTHC_FIELDS:
            received = int(round(volume * MONTH_FACTOR[m] * rng.uniform(0.9, 1.1)))
            on_line = int(round(received * min(0.98, online + 0.02 * m) * rng.uniform(0.95, 1.05)))
            pending = int(round(received * (0.12 if field in ("Đất đai", "Xây dựng") else 0.02)))
            late = 0 if field == "Chứng thực" else int(round(received * rng.uniform(0.0, 0.025)))
            on_time = received - pending - late
            rate = round(on_time / (on_time + late) * 100, 2)
            rows.append([2025, m, field, received, on_line, on_time, late, pending, rate])
    write_csv(
        out / "ket-qua-giai-quyet-tthc-2025.csv",
        ["nam", "thang", "linh_vuc", "so_ho_so_tiep_nhan", "so_ho_so_truc_tuyen",
         "so_giai_quyet_dung_han", "so_giai_quyet_qua_han", "so_dang_giai_quyet", "ty_le_dung_han"],
        rows,
    )


def so_tttt_bieu_mau(fixtures: Path) -> None:
    out = dataset_dir("so-tttt", "bieu-mau-du-lieu-mo")
    author = "Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc"

    # Mẫu số 01: request to add or change an entry of the catalogue (Article 8.3)
    doc = new_document("Mẫu số 01 - Phiếu đề nghị bổ sung, điều chỉnh Danh mục dữ liệu mở", author)
    docx_par(doc, "Mẫu số 01", bold=True, size=12, align="right")
    docx_header(doc, ["TÊN CƠ QUAN CHỦ QUẢN", "TÊN ĐƠN VỊ"], "…, ngày … tháng … năm 20…",
                "Số: …/…")
    docx_par(doc, "PHIẾU ĐỀ NGHỊ", bold=True, size=14, align="center", space_after=0)
    docx_par(doc, "Bổ sung, điều chỉnh Danh mục dữ liệu mở tỉnh Vĩnh Phúc", bold=True, align="center")
    docx_par(doc, "Kính gửi: Sở Thông tin và Truyền thông tỉnh Vĩnh Phúc.", align="center")
    docx_par(doc, "Căn cứ khoản 3 Điều 8 Quy chế quản lý, vận hành Cổng dữ liệu mở tỉnh Vĩnh Phúc ban "
                  "hành kèm theo Quyết định số 42/2024/QĐ-UBND ngày 16 tháng 9 năm 2024 của Ủy ban nhân "
                  "dân tỉnh Vĩnh Phúc, (tên cơ quan) đề nghị bổ sung, điều chỉnh Danh mục dữ liệu mở "
                  "thuộc phạm vi quản lý như sau:", align="justify")
    docx_grid(
        doc,
        ["STT", "Tên dữ liệu", "Mô tả nội dung", "Định dạng (1)", "Tần suất cập nhật (2)",
         "Đề nghị (3)", "Ghi chú"],
        [[str(i), "", "", "", "", "", ""] for i in range(1, 5)],
        widths_cm=[1.0, 3.2, 3.6, 2.2, 2.2, 2.0, 1.8], size=10,
    )
    docx_par(doc)
    docx_par(doc, "(1) Một hoặc nhiều định dạng theo khoản 1 Điều 7 của Quy chế: pdf, xls, xlsx, doc, "
                  "docx, csv hoặc kết nối API.", italic=True, size=11)
    docx_par(doc, "(2) Hằng ngày, hằng tuần, hằng tháng, hằng quý, 6 tháng, hằng năm, không định kỳ "
                  "hoặc một lần.", italic=True, size=11)
    docx_par(doc, "(3) Bổ sung mới, điều chỉnh hoặc đưa ra khỏi Danh mục.", italic=True, size=11)
    docx_par(doc, "Đầu mối liên hệ: họ và tên …; chức vụ …; điện thoại …; thư điện tử ….",
             align="justify")
    sign = doc.add_table(rows=1, cols=2)
    docx_cell(sign.rows[0].cells[0], ["Nơi nhận:", "- Như trên;", "- Lưu: VT, …."], size=11, align="left")
    docx_cell(sign.rows[0].cells[1], ["THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ",
                                      "(Ký, ghi rõ họ tên và đóng dấu)"], bold=True, size=12)
    save_docx(doc, out / "mau-01-de-nghi-bo-sung-danh-muc.docx")

    # Mẫu số 02: registration of an API account (Article 6.2b)
    doc = new_document("Mẫu số 02 - Phiếu đăng ký tài khoản khai thác dữ liệu qua API", author)
    docx_par(doc, "Mẫu số 02", bold=True, size=12, align="right")
    docx_par(doc, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12, align="center", space_after=0)
    docx_par(doc, "Độc lập - Tự do - Hạnh phúc", bold=True, size=12, align="center")
    docx_par(doc, "PHIẾU ĐĂNG KÝ", bold=True, size=14, align="center", space_after=0)
    docx_par(doc, "Tài khoản khai thác dữ liệu qua phương thức kết nối API\n"
                  "trên Cổng dữ liệu mở tỉnh Vĩnh Phúc", bold=True, align="center")
    docx_par(doc, "Kính gửi: Trung tâm Hạ tầng số và An toàn thông tin, Sở Thông tin và Truyền thông "
                  "tỉnh Vĩnh Phúc.", align="center")
    docx_par(doc, "Thông tin đăng ký theo điểm b khoản 2 Điều 6 Quy chế ban hành kèm theo Quyết định số "
                  "42/2024/QĐ-UBND:", align="justify")
    docx_grid(
        doc,
        ["STT", "Thông tin", "Nội dung kê khai"],
        [["1", "Họ và tên", ""], ["2", "Địa chỉ cư trú", ""], ["3", "Thư điện tử (email)", ""],
         ["4", "Số điện thoại", ""], ["5", "Tên tổ chức (nếu có)", ""],
         ["6", "Mục đích khai thác dữ liệu", ""], ["7", "Bộ dữ liệu đề nghị kết nối", ""]],
        widths_cm=[1.2, 5.5, 9.3],
    )
    docx_par(doc)
    docx_par(doc, "Tôi cam kết kê khai đầy đủ, trung thực các thông tin trên; bảo mật tài khoản được "
                  "cấp; tuân thủ giấy phép sử dụng đi kèm dữ liệu mở và khi sử dụng dữ liệu mở trong sản "
                  "phẩm, dịch vụ thương mại sẽ cung cấp miễn phí dữ liệu mở kèm theo sản phẩm, dịch vụ "
                  "đó (khoản 2 Điều 3 của Quy chế).", align="justify")
    sign = doc.add_table(rows=1, cols=2)
    docx_cell(sign.rows[0].cells[0], [""], size=11)
    docx_cell(sign.rows[0].cells[1], ["…, ngày … tháng … năm 20…", "NGƯỜI ĐĂNG KÝ",
                                      "(Ký và ghi rõ họ tên)"], bold=True, size=12)
    save_docx(doc, out / "mau-02-dang-ky-tai-khoan-api.docx")

    # Legacy Word (.doc): python cannot write Word 97 binaries, so a real one is
    # copied from the Apache POI test corpus (Apache License 2.0).
    src = fixtures / "office" / "simple-table.doc"
    dst = out / "vi-du-dinh-dang-word-97.doc"
    shutil.copyfile(src, dst)
    print(f"  copied {src} -> {dst.relative_to(ROOT)}")


# --------------------------------------------------------------------------

REAL = {
    "so-tnmt/don-vi-hanh-chinh-truoc-2025": so_tnmt_don_vi_hanh_chinh,
    "cuc-thong-ke/xa-phuong-phu-tho-2025": cuc_thong_ke_xa_phuong_2025,
    "cuc-thong-ke/sap-xep-xa-phuong-phu-tho-2025": cuc_thong_ke_sap_xep_2025,
    "cuc-thong-ke/dan-toc-viet-nam": cuc_thong_ke_dan_toc,
    "so-khdt/doanh-nghiep-niem-yet": so_khdt_doanh_nghiep_niem_yet,
    "so-tttt/bieu-mau-du-lieu-mo": so_tttt_bieu_mau,
}
GENERATED = {
    "so-tnmt/quan-trac-khong-khi-2024": so_tnmt_quan_trac_khong_khi,
    "cuc-thong-ke/dan-so-theo-huyen": cuc_thong_ke_dan_so,
    "cuc-thong-ke/chi-so-gia-tieu-dung-2024": cuc_thong_ke_cpi,
    "so-khdt/dang-ky-doanh-nghiep-2024": so_khdt_dang_ky_doanh_nghiep,
    "so-tai-chinh/du-toan-ngan-sach-2025": so_tai_chinh_du_toan,
    "so-y-te/co-so-kham-chua-benh": so_y_te_co_so_kcb,
    "so-gddt/truong-thpt": so_gddt_truong_thpt,
    "ubnd-vinh-yen/lich-tiep-cong-dan-2025": ubnd_vinh_yen_tiep_cong_dan,
    "ubnd-phuc-yen/ket-qua-giai-quyet-tthc-2025": ubnd_phuc_yen_tthc,
}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fixtures", type=Path, default=DEFAULT_FIXTURES,
                        help="folder holding real/ and office/ (default: %(default)s)")
    parser.add_argument("--only", action="append", default=[],
                        help="agency/dataset to regenerate (repeatable); default: all")
    args = parser.parse_args(argv)
    wanted = set(args.only)
    unknown = wanted - set(REAL) - set(GENERATED)
    if unknown:
        parser.error(f"unknown dataset(s): {', '.join(sorted(unknown))}")
    for key, func in {**REAL, **GENERATED}.items():
        if wanted and key not in wanted:
            continue
        print(key)
        if key in REAL:
            if not (args.fixtures / "real").is_dir():
                print(f"  skipped: {args.fixtures}/real not found (use --fixtures)")
                continue
            func(args.fixtures)
        else:
            func()
    return 0


if __name__ == "__main__":
    sys.exit(main())

# Check after regenerating (frictionless in another venv):
#   for f in data/*/*/datapackage.yaml; do frictionless validate "$f"; done
# (API resources are remote: validate tabular resources one by one instead,
#  Package(f).get_resource(name).validate()).
