"""The report's bar charts, drawn here as plain SVG (the same drawing for every page of every build, in
milliseconds): inline on the pages, as PNG in the DOCX (vl-convert's SVG rasteriser, no network). The
XLSX carries native Excel charts instead, made from its own cells."""

from __future__ import annotations

from xml.sax.saxutils import escape

from generator.ops.yearly.sections import Chart, number

COLOURS = ["#1a5fb4", "#c64600", "#26a269", "#613583"]
LABEL_W, BAR_W, BAR_H, GAP, FONT = 270, 380, 12, 8, 12


def _step(value: float) -> int:
    """The tick step: 1, 2 or 5 times a power of ten, five steps reaching at least `value`."""
    magnitude = 1
    while True:
        for m in (1, 2, 5):
            if m * magnitude * 5 >= value:
                return m * magnitude
        magnitude *= 10


def svg(chart: Chart, prefix: str, lang: str = "vi") -> str:
    """Horizontal grouped bars, one group per category; a missing figure draws no bar and says so."""
    series = chart.series
    top = max((float(v) for _, _, vs in series for v in vs if v is not None), default=0.0)
    step = _step(top)
    scale_max = step * 5
    group_h = BAR_H * len(series) + GAP
    height = 10 + group_h * len(chart.categories) + 50
    width = LABEL_W + BAR_W + 70
    title = chart.title_vi if lang == "vi" else chart.title_en
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
           f'font-family="sans-serif" font-size="{FONT}">',
           f'<title id="{prefix}-title">{escape(title)}</title>',
           f'<desc id="{prefix}-desc">{escape("Số liệu chi tiết trong bảng ngay dưới biểu đồ." if lang == "vi" else "The figures are in the table below the chart.")}</desc>']
    y = 10
    for i, category in enumerate(chart.categories):
        out.append(f'<text x="{LABEL_W - 6}" y="{y + group_h / 2:.1f}" text-anchor="end" dominant-baseline="middle" '
                   f'fill="#1b1b1b">{escape(category)}</text>')
        for j, (_, _, values) in enumerate(series):
            value = values[i] if i < len(values) else None
            by = y + j * BAR_H
            if value is None:
                out.append(f'<text x="{LABEL_W + 4}" y="{by + BAR_H - 2}" fill="#4a4a4a" font-style="italic" '
                           f'font-size="{FONT - 2}">{escape(number(None, lang))}</text>')
                continue
            w = BAR_W * float(value) / scale_max
            out.append(f'<rect x="{LABEL_W}" y="{by}" width="{w:.1f}" height="{BAR_H - 1}" fill="{COLOURS[j % 4]}"/>')
            out.append(f'<text x="{LABEL_W + w + 4:.1f}" y="{by + BAR_H - 2}" font-size="{FONT - 2}" '
                       f'fill="#1b1b1b">{escape(number(value, lang))}</text>')
        y += group_h
    out.append(f'<line x1="{LABEL_W}" y1="6" x2="{LABEL_W}" y2="{y}" stroke="#767676"/>')
    for k in range(6):  # axis ticks
        x = LABEL_W + BAR_W * k / 5
        out.append(f'<line x1="{x:.1f}" y1="{y}" x2="{x:.1f}" y2="{y + 4}" stroke="#767676"/>')
        out.append(f'<text x="{x:.1f}" y="{y + 16}" text-anchor="middle" font-size="{FONT - 2}" fill="#1b1b1b">'
                   f'{escape(number(step * k, lang))}</text>')
    lx = LABEL_W
    for j, (vi, en, _) in enumerate(series):  # legend
        name = vi if lang == "vi" else en
        out.append(f'<rect x="{lx}" y="{y + 28}" width="12" height="12" fill="{COLOURS[j % 4]}"/>')
        out.append(f'<text x="{lx + 16}" y="{y + 38}" fill="#1b1b1b">{escape(name)}</text>')
        lx += 30 + 7 * len(name)
    out.append("</svg>")
    return "".join(out)


def png(chart: Chart) -> bytes:
    import vl_convert

    return vl_convert.svg_to_png(svg(chart, "chart"), scale=2)



