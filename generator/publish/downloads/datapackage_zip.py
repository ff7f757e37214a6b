"""Each dataset as one zip that is itself a valid Data Package (Articles 3.2 and 7.2b).

    site/datasets/<id>/<id>.zip
        datapackage.json   the agency's descriptor as JSON: standard keys, the portal's own keys
                           (catalogue, frequency, contact, ...) kept; each file resource with its
                           `bytes` and `hash` ("sha256:..."), paths relative to the zip's root, and
                           for a table the dialect the gate read it with (header rows, rows left
                           out, the sheet by name), so frictionless reads what the portal read
        LICENSE.txt        licence title and URL, the attribution to give, in Vietnamese and English
        README.txt         what the package holds, where it comes from, and its API connections
        <files>            the published files, at the paths the descriptor names

API connections are not resources of the zipped package: a validator (and
`frictionless validate`) would fetch them over the network, and what they
return is not in the zip. They are listed under the descriptor's own key
`api_resources` (the descriptors as the agency wrote them) and in README.txt,
so the package validates offline and nothing is lost.

Reproducible: entries sorted by name, dated with the dataset's last change in
git, mode 0644 (see reproducible_zip).
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from generator.portal.model import Dataset, Portfolio, Resource
from generator.publish.downloads import reproducible_zip
from generator.publish import urls
from generator.publish.downloads.conversions import dataset_epoch
from generator.publish.downloads.records import Downloads, copy, make
from generator.publish.harvest.json_api import json_bytes, write_json

DESCRIPTOR = "datapackage.json"
LICENSE = "LICENSE.txt"
README = "README.txt"


def _jsonable(value: Any) -> Any:
    # YAML gives dates as date objects; JSON needs text.
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return value.isoformat()
    return value


def _converted(d: Dataset, r: Resource) -> bool:
    """The build publishes a converted copy (a legacy-encoded CSV made UTF-8), not the agency's bytes."""
    return r.source is not None and r.source.resolve() != (d.folder / r.path).resolve()


def resource_descriptor(d: Dataset, r: Resource) -> dict[str, Any]:
    out = _jsonable(dict(r.descriptor))
    out["path"] = r.path
    out["hash"] = f"sha256:{r.sha256}"
    if r.format != "xls":  # frictionless counts no bytes while reading xls and would report "byte-count"
        out["bytes"] = r.size
    if r.format == "csv" and _converted(d, r):
        out["encoding"] = "utf-8"
    if r.layout is not None:
        dialect = dict(out.get("dialect") or {}) if isinstance(out.get("dialect"), dict) else {}
        decided = r.layout.dialect(r.format)
        if "excel" in decided:
            decided["excel"] = {**(dialect.get("excel") if isinstance(dialect.get("excel"), dict) else {}),
                                **decided["excel"]}
        dialect.update(decided)
        if dialect:
            out["dialect"] = dialect
    return out


def descriptor(p: Portfolio, d: Dataset) -> dict[str, Any]:
    """datapackage.json of the zipped package."""
    base = p.catalog.portal.base_url
    agency = p.catalog.agencies[d.agency]
    out = _jsonable(dict(d.descriptor))
    out["id"] = base + urls.dataset_page(d.id)
    out.setdefault("homepage", base + urls.dataset_page(d.id))
    out.setdefault("created", d.created)
    if d.licence in p.catalog.licences:
        licence = p.catalog.licences[d.licence]
        out["licenses"] = [{"name": licence.id, "title": licence.title, "path": licence.url}]
    out.setdefault("contributors", [{"title": agency.name, "role": "publisher",
                                     **({"email": agency.email} if agency.email else {})}])
    out["resources"] = []
    for r in d.resources:
        if r.is_api or r.source is None:
            continue
        out["resources"].append(resource_descriptor(d, r))
    apis = [_jsonable(dict(r.descriptor)) for r in d.resources if r.is_api]
    if apis:
        out["api_resources"] = apis
    else:
        out.pop("api_resources", None)
    return out


def _licence_lines(p: Portfolio, d: Dataset) -> list[str]:
    portal = p.catalog.portal
    agency = p.catalog.agencies[d.agency]
    licence = p.catalog.licences.get(d.licence)
    attribution = d.attribution or f"{agency.name}, {portal.name} ({portal.base_url}{urls.dataset_page(d.id)})"
    lines = [d.title, ""]
    if licence:
        lines += [f"Giấy phép: {licence.title}", f"Licence: {licence.title_en or licence.title}", licence.url, ""]
    lines += ["Khi sử dụng, chia sẻ hoặc phát triển lại dữ liệu này, hãy ghi nguồn:",
              "When you use, share or adapt this data, give attribution:", f"  {attribution}", "",
              f"Nguồn / Source: {portal.base_url}{urls.dataset_page(d.id)}"]
    return lines


def license_text(p: Portfolio, d: Dataset) -> str:
    return "\n".join(_licence_lines(p, d)) + "\n"


def readme_text(p: Portfolio, d: Dataset) -> str:
    portal = p.catalog.portal
    agency = p.catalog.agencies[d.agency]
    lines = [d.title, *([d.title_en] if d.title_en else []), "=" * 60, "",
             f"Cơ quan chủ quản / Agency: {agency.name}", f"Cổng dữ liệu / Portal: {portal.name} ({portal.base_url})",
             f"Trang bộ dữ liệu / Dataset page: {portal.base_url}{urls.dataset_page(d.id)}",
             f"Cập nhật / Modified: {d.modified}", "",
             "Gói này là một Data Package (https://datapackage.org): datapackage.json mô tả từng tệp,",
             "kèm đặc tả dữ liệu (Table Schema), kích thước và mã băm sha256.",
             "This zip is a Data Package: datapackage.json describes every file with its Table Schema,",
             "size and sha256. Check it with: frictionless validate " + d.id + ".zip", "", "Tệp / Files:"]
    for r in d.resources:
        if not r.is_api and r.source is not None:
            lines.append(f"  {r.path}  ({r.title}; {r.size} bytes; sha256 {r.sha256})")
    apis = [r for r in d.resources if r.is_api]
    if apis:
        lines += ["", "Kết nối API (không nằm trong gói, xem “api_resources” trong datapackage.json):",
                  "API connections (not in this zip; see “api_resources” in datapackage.json):"]
        lines += [f"  {r.title}: {r.path}" for r in apis]
    lines += ["", f"Giấy phép và ghi nguồn: xem {LICENSE}. Licence and attribution: see {LICENSE}."]
    return "\n".join(lines) + "\n"


def build_zip(p: Portfolio, d: Dataset, target: Path, described: dict[str, Any] | None = None) -> None:
    """`described`: descriptor(p, d), when the caller has it."""
    entries: dict[str, bytes | Path] = {
        DESCRIPTOR: json_bytes(descriptor(p, d) if described is None else described),
        LICENSE: license_text(p, d).encode("utf-8"),
        README: readme_text(p, d).encode("utf-8"),
    }
    for r in d.resources:
        if not r.is_api and r.source is not None:
            entries.setdefault(r.path, r.source)
    reproducible_zip.write(target, sorted(entries.items()), dataset_epoch(p, d))


def write(p: Portfolio, site: Path, cache: Any = None) -> Downloads:
    """Write every dataset's zip (copied from `cache`, build/cache.py, when it holds one made from the same
    files and texts, its hash checked as it is copied) and its datapackage.json; return the zips' records."""
    out: Downloads = {}
    for d in p.datasets:
        path = urls.dataset_zip(d.id)
        described = descriptor(p, d)
        write_json(site / urls.dataset_descriptor(d.id), described)
        entry_key = cache.key("zip", described, license_text(p, d), readme_text(p, d), dataset_epoch(p, d),
                              [(r.path, r.sha256) for r in d.resources if not r.is_api and r.source is not None]
                              ) if cache is not None else ""
        hit = cache.get(entry_key, check=False) if cache is not None else None
        made = copy(hit.path("zip"), site, d.id, None, "zip", path, hit.files.get("zip", "")) if hit is not None else None
        if made is None:
            if hit is not None:  # damaged: never trusted, and made again in its place
                shutil.rmtree(hit.folder, ignore_errors=True)
            build_zip(p, d, site / path, described)
            if cache is not None:
                cache.put(entry_key, None, {"zip": site / path})
            made = make(site, d.id, None, "zip", path)
        out[d.id] = [made]
    return out

