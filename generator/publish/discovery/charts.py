"""Charts a dataset declares in its descriptor, rendered at build time to SVG.

A view follows the Data Package views spec:

    views:
      - name: cpi-chung
        title: Chỉ số giá tiêu dùng chung theo tháng
        description: ...            (optional, shown under the chart and read by screen readers)
        resources: [chi-so-gia-tieu-dung-2024]
        specType: vega-lite
        spec: {mark: line, encoding: {...}, transform: [...]}

The spec comes from a pull request, so it is treated as untrusted:
- it may not name any data or image by URL (no `url` key anywhere, no image
  marks, no `href` channel), nor generate data (`sequence`, `graticule`);
- its data is the named table, inlined here from the published file (numbers
  typed from the Table Schema), and vl-convert is told to allow no URL at all;
- the SVG is reduced to an allow-list of drawing elements and attributes
  (no script, no foreignObject, no event handlers, no links), its ids are
  prefixed per chart, and it gets a <title>/<desc> and role="img".
A refused or failing view is skipped with a message on the page (in Vietnamese
and English); it never fails the build.
"""

from __future__ import annotations

import copy
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from generator.portal.model import Dataset, Resource

SVG_NS = "http://www.w3.org/2000/svg"
MAX_SPEC = 50_000  # characters of JSON
MAX_SIZE = 2000  # pixels, width or height
MAX_ROWS = 20_000  # rows inlined into one chart
FORBIDDEN_KEYS = {"url", "href", "sequence", "graticule", "usermeta", "background_image"}
ALLOWED_ELEMENTS = {"svg", "g", "path", "rect", "line", "polyline", "polygon", "circle", "ellipse", "text", "tspan",
                    "title", "desc", "defs", "clipPath", "linearGradient", "radialGradient", "stop"}
ALLOWED_ATTRIBUTES = {
    "class", "id", "d", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "width", "height", "viewBox",
    "transform", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray",
    "stroke-dashoffset", "stroke-linecap", "stroke-linejoin", "stroke-miterlimit", "opacity", "font-family",
    "font-size", "font-weight", "font-style", "text-anchor", "dominant-baseline", "dy", "dx", "points",
    "clip-path", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "fx", "fy",
    "pointer-events", "display", "aria-hidden", "role", "aria-label", "aria-roledescription", "version",
    "letter-spacing", "xml:space", "shape-rendering", "paint-order",
}


class ViewRefused(ValueError):
    """The view cannot be drawn; the message is Vietnamese, `en` English."""

    def __init__(self, vi: str, en: str):
        super().__init__(vi)
        self.en = en


@dataclass
class Chart:
    name: str
    title: str
    description: str
    resource: str  # resource name: the table behind the chart
    svg: str = ""  # sanitised SVG markup, safe to place in the page
    error: str = ""
    error_en: str = ""


def _check_spec(node: Any, path: str = "spec") -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in FORBIDDEN_KEYS:
                raise ViewRefused(f"“{path}.{key}” không được phép: biểu đồ chỉ dùng dữ liệu của bảng đã khai báo",
                                  f"“{path}.{key}” is not allowed: a chart uses only the declared table's data")
            if key == "mark" and (value == "image" or (isinstance(value, dict) and value.get("type") == "image")):
                raise ViewRefused("biểu đồ không được dùng ảnh bên ngoài (mark: image)",
                                  "a chart may not use external images (mark: image)")
            if key in ("width", "height") and isinstance(value, (int, float)) and value > MAX_SIZE:
                raise ViewRefused(f"kích thước {key} quá lớn (tối đa {MAX_SIZE})", f"{key} too large (at most {MAX_SIZE})")
            _check_spec(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            _check_spec(item, f"{path}[{i}]")


def records(header: list[str], rows: list[list[str]], schema: dict | None) -> list[dict[str, Any]]:
    """The rows as Vega-Lite data, typed by the Table Schema exactly as the JSON download types them."""
    from generator.publish.downloads.conversions import Number, converters

    def plain(value: Any) -> Any:  # Vega reads JSON numbers: a Decimal becomes an int or a float
        if isinstance(value, Number):
            if not value.is_finite():
                return None
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    typed = converters(header, schema)
    return [{h: plain(conv(row[i] if i < len(row) else "")) for i, (h, conv) in enumerate(zip(header, typed))}
            for row in rows[:MAX_ROWS]]


def prepare(view: dict[str, Any], data: list[dict[str, Any]]) -> dict[str, Any]:
    """The spec to render: checked, with the table's rows inlined as its only data."""
    if view.get("specType", "vega-lite") != "vega-lite":
        raise ViewRefused("chỉ hỗ trợ specType: vega-lite", "only specType: vega-lite is supported")
    spec = view.get("spec")
    if not isinstance(spec, dict):
        raise ViewRefused("“spec” phải là một bảng khóa: giá trị (Vega-Lite)", "“spec” must be a mapping (Vega-Lite)")
    if len(json.dumps(spec, default=str)) > MAX_SPEC:
        raise ViewRefused("“spec” quá lớn", "“spec” is too large")
    _check_spec(spec)
    spec = copy.deepcopy(spec)
    spec.pop("$schema", None)
    if "data" in spec or "datasets" in spec:
        raise ViewRefused("không khai báo “data” trong spec: dữ liệu lấy từ tài nguyên trong “resources”",
                          "do not declare “data” in the spec: the data comes from the resource named in “resources”")
    spec["data"] = {"values": data}
    if "mark" in spec or "layer" in spec:
        spec.setdefault("width", 640)  # a readable size on a desktop; the page scales the SVG down on a phone
    return spec


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def sanitise_svg(svg: str, prefix: str, title: str, description: str) -> str:
    ET.register_namespace("", SVG_NS)
    root = ET.fromstring(svg)
    ids: dict[str, str] = {}

    def clean(element: ET.Element) -> None:
        for child in list(element):
            if _local(child.tag) not in ALLOWED_ELEMENTS:
                element.remove(child)
                continue
            clean(child)
        for name in list(element.attrib):
            local = _local(name)
            if local not in ALLOWED_ATTRIBUTES or local.startswith("on"):
                del element.attrib[name]
        if "id" in element.attrib:
            new = f"{prefix}-{element.attrib['id']}"
            ids[element.attrib["id"]] = new
            element.attrib["id"] = new

    clean(root)
    for element in root.iter():
        for name, value in element.attrib.items():
            if "url(#" in value:
                element.attrib[name] = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{ids.get(m.group(1), m.group(1))})", value)
            elif "url(" in value:
                element.attrib[name] = "none"  # no external references of any kind
    root.attrib.update({"role": "img", "aria-labelledby": f"{prefix}-title" + (f" {prefix}-desc" if description else "")})
    root.attrib.pop("class", None)
    desc = ET.Element(f"{{{SVG_NS}}}desc", {"id": f"{prefix}-desc"})
    desc.text = description
    heading = ET.Element(f"{{{SVG_NS}}}title", {"id": f"{prefix}-title"})
    heading.text = title
    if description:
        root.insert(0, desc)
    root.insert(0, heading)
    # ElementTree escapes text and attribute values: a title cannot close the element.
    return ET.tostring(root, encoding="unicode")


def render(view: dict[str, Any], data: list[dict[str, Any]], prefix: str) -> str:
    import vl_convert

    spec = prepare(view, data)
    try:
        svg = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    except Exception as exc:  # vl-convert reports spec errors as plain exceptions
        raise ViewRefused(f"Vega-Lite không vẽ được biểu đồ: {str(exc).splitlines()[0][:200]}",
                          f"Vega-Lite could not draw the chart: {str(exc).splitlines()[0][:200]}") from exc
    return sanitise_svg(svg, prefix, str(view.get("title") or view.get("name") or ""), str(view.get("description") or ""))


def views(d: Dataset) -> list[dict[str, Any]]:
    raw = d.descriptor.get("views")
    return [v for v in raw if isinstance(v, dict)] if isinstance(raw, list) else []


def charts(d: Dataset, read) -> list[Chart]:
    """Every view of a dataset as a Chart; `read(resource)` returns (header, rows) of a table."""
    out: list[Chart] = []
    tables: dict[str, Resource] = {r.name: r for r in d.resources if r.tabular and r.source is not None}
    for i, view in enumerate(views(d)):
        names = view.get("resources") or []
        name = names[0] if isinstance(names, list) and names and isinstance(names[0], str) else ""
        chart = Chart(str(view.get("name") or f"view-{i + 1}"), str(view.get("title") or view.get("name") or ""),
                      str(view.get("description") or ""), name)
        try:
            if name not in tables:
                raise ViewRefused(f"“resources” phải nêu tên một bảng của bộ dữ liệu (đang là “{name}”)",
                                  f"“resources” must name a table of the dataset (it is “{name}”)")
            resource = tables[name]
            header, rows = read(resource)
            chart.svg = render(view, records(header, rows, resource.schema), f"od-chart-{i + 1}")
        except ViewRefused as exc:
            chart.error, chart.error_en = str(exc), exc.en
        out.append(chart)
    return out
