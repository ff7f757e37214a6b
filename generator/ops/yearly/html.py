"""The yearly report as HTML: the site's pages (reports/<year>/, reports/<year>/<agency>/) and a
stand-alone document for `--format html`, from one template (generator/templates/report.html)."""

from __future__ import annotations

import html
from typing import Any

from markupsafe import Markup

from generator.ops.yearly import charts, sections
from generator.publish import urls


def cell(value: sections.Value, first: bool) -> Markup:
    if value is None:
        return Markup('<td class="od-na"><span data-en="{}">{}</span></td>').format(sections.NA_EN, sections.NA_VI)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        vi, en = sections.number(value, "vi"), sections.number(value, "en")
        inner = Markup('<span data-en="{}">{}</span>').format(en, vi) if vi != en else Markup("{}").format(vi)
        return Markup('<td class="od-num">{}</td>').format(inner)
    # Text cells are names and titles from the catalogue, in Vietnamese.
    tag = "th scope=\"row\"" if first else "td"
    return Markup('<{0} lang="vi">{1}</{2}>').format(Markup(tag), value, Markup(tag.split()[0]))


def context(f: dict[str, Any], agency_links: list[Any] | None = None) -> dict[str, Any]:
    """What report.html needs: the sections and their charts as sanitised SVG."""
    parts = sections.build(f)
    svgs = {t.id: charts.svg(t.chart, f"report-{t.id}") for s in parts for t in s.tables
            if t.chart is not None and t.rows and any(v is not None for _, _, vs in t.chart.series for v in vs)}
    agency = f["agency"]["id"] if f["agency"] else None
    return {"f": f, "sections": parts, "svgs": svgs, "cell": cell, "agency_links": agency_links or [],
            "heading_vi": sections.title(f, "vi"), "heading_en": sections.title(f, "en"),
            "json_href": urls.report_json(f["year"], agency)}


def write(f: dict[str, Any]) -> str:
    """A stand-alone HTML document (inline styles, no scripts, no outside requests)."""
    from generator.publish.site.pages import _environment

    env = _environment()
    body = env.get_template("report.html").render(root="", **context(f))
    title = html.escape(sections.title(f, "vi"))
    return ("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n")


STYLE = ("body{font-family:system-ui,sans-serif;max-width:62rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}"
         "table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #bbb;padding:.25em .6em;"
         "text-align:left;vertical-align:top}td.od-num{text-align:right}.od-na{color:#4a4a4a;font-style:italic}"
         "figure{margin:0}svg{max-width:100%;height:auto}.od-scroll-cue{display:none}")
