"""The yearly report as an Excel workbook: one sheet per part, native Excel charts over its own cells."""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from typing import Any

from generator.ops.yearly.sections import NA_VI, Section, build, title

SHEETS = {"datasets": "1. Bộ dữ liệu", "gate": "2. Kiểm tra", "quality": "3. Chất lượng", "freshness": "4. Đúng hạn",
          "coverage": "5. Độ phủ", "reviews": "6. Rà soát", "feedback": "7. Góp ý", "api": "8. API và tra cứu"}


def write(f: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    wb.remove(wb.active)
    bold, head = Font(bold=True), PatternFill("solid", fgColor="DDE7F3")
    for n, section in enumerate(build(f), 1):
        ws = wb.create_sheet(SHEETS.get(section.id, f"{n}. {section.id}")[:31])
        ws.append([f"{n}. {section.title_vi}"])
        ws["A1"].font = Font(bold=True, size=13)
        ws.append([section.title_en])
        ws.append([title(f)])
        for vi, _en in section.lines:
            ws.append([vi])
        ws.append([])
        for t in section.tables:
            ws.append([t.title_vi])
            ws.cell(ws.max_row, 1).font = bold
            ws.append([h[0] for h in t.header])
            header_row = ws.max_row
            for cell in ws[header_row]:
                cell.font, cell.fill = bold, head
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            first = ws.max_row + 1
            for row in t.rows or [[]]:
                ws.append([NA_VI if v is None else v for v in row] if row else ["(không có / none)"])
            last = ws.max_row
            if t.total is not None:
                ws.append([NA_VI if v is None else v for v in t.total])
                for cell in ws[ws.max_row]:
                    cell.font = bold
            if t.chart is not None and t.rows:
                chart = BarChart()
                chart.type = "bar"
                chart.title = t.chart.title_vi
                chart.height, chart.width = max(7.5, 0.7 * len(t.rows)), 18
                columns = [1 + [h[0] for h in t.header].index(name) for name, _, values in t.chart.series
                           if name in [h[0] for h in t.header] and None not in values]  # no bar for a missing figure
                for col in columns:
                    chart.add_data(Reference(ws, min_col=col, min_row=header_row, max_row=last), titles_from_data=True)
                chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
                chart.y_axis.majorUnit = None
                chart.x_axis.scaling.orientation = "maxMin"  # categories top to bottom, as in the table
                if columns:
                    ws.add_chart(chart, f"{chr(ord('A') + len(t.header) + 1)}{header_row}")
            ws.append([])
        ws.column_dimensions["A"].width = 46
        for col in "BCDEFGH":
            ws.column_dimensions[col].width = 16
    day = dt.datetime.fromisoformat(f["as_of"])
    wb.properties.created = wb.properties.modified = day  # the same figures give the same file
    wb.properties.title = title(f)
    wb.properties.creator = f["portal"]["operator"]
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def sheet_names(sections: list[Section]) -> list[str]:
    return [SHEETS.get(s.id, s.id)[:31] for s in sections]

