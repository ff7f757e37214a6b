"""The yearly report as a Word document laid out like a Vietnamese administrative report (Decree
30/2020/NĐ-CP): the issuing body and the national motto side by side, number and place-date line, the
title, numbered parts with tables and charts (as images), and the recipients and signature block."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from generator.ops.yearly import charts
from generator.ops.yearly.sections import NA_VI, build, number

ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]
SIGNER = {"so": "GIÁM ĐỐC", "cuc": "CỤC TRƯỞNG", "ubnd": "CHỦ TỊCH"}
MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


def _issuer(f: dict[str, Any], kind: str) -> tuple[str, str]:
    """(the body above, the issuing agency), in capitals as the heading block writes them."""
    name = (f["agency"]["name"] if f["agency"] else f["portal"]["operator"]).upper()
    above = "" if kind == "ubnd" else f"UBND TỈNH {f['portal']['province'].upper()}"
    return above, name


def write(f: dict[str, Any], kind: str = "so") -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(13)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    page = doc.sections[0]
    page.orientation = WD_ORIENT.PORTRAIT
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    page.top_margin, page.bottom_margin, page.left_margin, page.right_margin = Cm(2), Cm(2), Cm(3), Cm(1.5)
    day = dt.date.fromisoformat(f["as_of"])
    doc.core_properties.created = doc.core_properties.modified = dt.datetime(day.year, day.month, day.day)
    doc.core_properties.title = f"Báo cáo dữ liệu mở năm {f['year']}"
    doc.core_properties.author = f["portal"]["operator"]

    def para(text: str = "", bold: bool = False, italic: bool = False, size: float | None = None,
             align: Any = None, cell: Any = None, underline: bool = False, space_after: float = 4) -> Any:
        p = cell.add_paragraph() if cell is not None else doc.add_paragraph()
        run = p.add_run(text)
        run.bold, run.italic, run.underline = bold, italic, underline
        if size:
            run.font.size = Pt(size)
        if align is not None:
            p.alignment = align
        p.paragraph_format.space_after = Pt(space_after)
        return p

    # Heading block: issuing body (left) and national motto (right), no borders.
    above, issuer = _issuer(f, kind)
    block = doc.add_table(rows=2, cols=2)
    block.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = block.cell(0, 0), block.cell(0, 1)
    left.paragraphs[0].text = ""
    if above:
        left.paragraphs[0].add_run(above).font.size = Pt(12)
        left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        para(issuer, bold=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, cell=left, underline=True)
    else:
        run = left.paragraphs[0].add_run(issuer)
        run.bold, run.underline = True, True
        left.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = right.paragraphs[0].add_run(MOTTO[0])
    run.bold, run.font.size = True, Pt(12)
    right.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para(MOTTO[1], bold=True, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, cell=right, underline=True)
    # The number is written in by the clerk; the abbreviation follows the issuer (Sở TT&TT -> BC-STTTT).
    block.cell(1, 0).paragraphs[0].text = "Số:        /BC-" + "".join(w[0] for w in issuer.split() if w != "VÀ")
    block.cell(1, 0).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    where = block.cell(1, 1).paragraphs[0].add_run(
        f"{f['portal']['province']}, ngày {day.day:02d} tháng {day.month:02d} năm {day.year}")
    where.italic = True
    block.cell(1, 1).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER

    para("", space_after=6)
    para("BÁO CÁO", bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    who = f["agency"]["name"] if f["agency"] else f"tỉnh {f['portal']['province']}"
    para(f"Kết quả công bố, cập nhật và khai thác dữ liệu mở năm {f['year']} của {who}", bold=True,
         align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    reporter = f["agency"]["name"] if f["agency"] else f["portal"]["operator"]
    para(f"Thực hiện Quy chế quản lý, vận hành Cổng dữ liệu mở, {reporter} "
         f"báo cáo kết quả năm {f['year']} (số liệu đến ngày {day.strftime('%d/%m/%Y')}, lấy từ lịch sử dữ liệu của "
         f"{f['portal']['name']}) như sau:", align=WD_ALIGN_PARAGRAPH.JUSTIFY)

    tables = figures_n = 0
    for n, section in enumerate(build(f)):
        para(f"{ROMAN[n]}. {section.title_vi.upper()}", bold=True, space_after=6)
        for vi, _ in section.lines:
            para(vi, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
        for t in section.tables:
            tables += 1
            para(f"Bảng {tables}. {t.title_vi}", bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=12)
            body = [*t.rows, *([t.total] if t.total is not None else [])] or [["(không có)"] + [""] * (len(t.header) - 1)]
            grid = doc.add_table(rows=1 + len(body), cols=len(t.header))
            grid.style = "Table Grid"
            grid.alignment = WD_TABLE_ALIGNMENT.CENTER
            for j, (vi, _) in enumerate(t.header):
                cell = grid.cell(0, j)
                cell.paragraphs[0].text = ""
                run = cell.paragraphs[0].add_run(vi)
                run.bold, run.font.size = True, Pt(11)
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
            for i, row in enumerate(body, 1):
                for j, value in enumerate(row):
                    cell = grid.cell(i, j)
                    text = NA_VI if value is None else (number(value) if isinstance(value, (int, float)) else str(value))
                    run = cell.paragraphs[0].add_run(text)
                    run.font.size = Pt(11)
                    run.bold = t.total is not None and i == len(body)
                    if isinstance(value, (int, float)):
                        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if t.chart is not None and t.rows and any(v is not None for _, _, vs in t.chart.series for v in vs):
                figures_n += 1
                doc.add_picture(BytesIO(charts.png(t.chart)), width=Cm(16))
                doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
                para(f"Hình {figures_n}. {t.chart.title_vi}", italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER)
            para("", space_after=2)

    # Recipients (left) and signature (right).
    para("", space_after=6)
    sign = doc.add_table(rows=1, cols=2)
    recipients, signer = sign.cell(0, 0), sign.cell(0, 1)
    run = recipients.paragraphs[0].add_run("Nơi nhận:")
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    for line in (["- Sở Thông tin và Truyền thông (đơn vị vận hành);"] if f["agency"] else
                 ["- Ủy ban nhân dân tỉnh (để báo cáo);", "- Các cơ quan, đơn vị có dữ liệu;"]) + ["- Lưu: VT."]:
        para(line, size=11, cell=recipients, space_after=0)
    run = signer.paragraphs[0].add_run(SIGNER.get(kind, "THỦ TRƯỞNG CƠ QUAN"))
    run.bold = True
    signer.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    para("(Ký, ghi rõ họ tên và đóng dấu)", italic=True, size=12, align=WD_ALIGN_PARAGRAPH.CENTER, cell=signer)
    out = BytesIO()
    doc.save(out)
    return out.getvalue()
