"""The report's charts drawn with Vega-Lite (vl-convert, no network): SVG for the pages, PNG for DOCX.
(The XLSX carries native Excel charts instead, made from its own cells.)"""

from __future__ import annotations

from typing import Any

from generator.ops.yearly.sections import Chart

COLOURS = ["#1a5fb4", "#c64600", "#26a269", "#613583"]


def spec(chart: Chart, lang: str = "vi") -> dict[str, Any]:
    values = []
    for name_vi, name_en, series in chart.series:
        for category, value in zip(chart.categories, series):
            if value is not None:  # not available: no bar, never a bar of 0
                values.append({"c": category, "s": name_vi if lang == "vi" else name_en, "v": value})
    names = [s[0] if lang == "vi" else s[1] for s in chart.series]
    return {
        "width": 560, "height": {"step": 14}, "data": {"values": values},
        "mark": {"type": "bar"},
        "encoding": {
            "y": {"field": "c", "type": "nominal", "sort": chart.categories, "title": None,
                  "axis": {"labelLimit": 260}},
            "yOffset": {"field": "s", "sort": names},
            "x": {"field": "v", "type": "quantitative", "title": None, "axis": {"tickMinStep": 1}},
            "color": {"field": "s", "type": "nominal", "sort": names, "title": None,
                      "scale": {"range": COLOURS[:len(names)]}, "legend": {"orient": "bottom"}},
        },
        "config": {"font": "sans-serif", "view": {"stroke": None}},
    }


def svg(chart: Chart, prefix: str) -> str:
    import vl_convert

    from generator.publish.discovery.charts import sanitise_svg

    drawn = vl_convert.vegalite_to_svg(spec(chart), allowed_base_urls=[])
    return sanitise_svg(drawn, prefix, chart.title_vi, "Số liệu chi tiết trong bảng ngay dưới biểu đồ.")


def png(chart: Chart) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(spec(chart), scale=2, allowed_base_urls=[])
