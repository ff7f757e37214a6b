"""schema.org Dataset JSON-LD for every dataset page (what search engines' dataset search reads).

The publisher is the agency (as DCAT-AP and data.json name it; the operator only runs the portal).
The distributions are every file a visitor can download from the page: the originals, each table's
conversions (CSV, CSV for Excel, JSON, XLSX) and the zipped Data Package. Pages are written beside
the conversions, so these are named by their published paths (as the page's own links are), without
sizes the conversion step has not measured yet.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from generator.portal.model import Dataset, Portfolio
from generator.publish import urls
from generator.publish.downloads.records import CONVERTED, KINDS, titles
from generator.publish.harvest.temporal import Periods, coverage


def dataset(p: Portfolio, d: Dataset, periods: Periods | None = None) -> dict[str, Any]:
    portal = p.catalog.portal
    base = portal.base_url
    agency = p.catalog.agencies[d.agency]
    licence = p.catalog.licences.get(d.licence)
    publisher: dict[str, Any] = {"@type": "GovernmentOrganization", "name": agency.name,
                                 "url": base + urls.agency_page(agency.id)}
    if agency.email:
        publisher["email"] = agency.email
    out: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": base + urls.dataset_page(d.id),
        "url": base + urls.dataset_page(d.id),
        "identifier": d.id,
        "name": d.title,
        "description": d.description or d.title,
        "inLanguage": "vi",
        "isAccessibleForFree": True,
        "keywords": d.keywords,
        "creator": publisher,
        "publisher": publisher,
        "includedInDataCatalog": {"@type": "DataCatalog", "name": portal.name, "url": base},
        "dateCreated": d.created,
        "dateModified": d.modified,
        "distribution": [],
    }
    if d.title_en:
        out["alternateName"] = d.title_en
    if licence:
        out["license"] = licence.url
    if d.spatial:
        out["spatialCoverage"] = {"@type": "Place", "name": d.spatial}
    start, end = coverage(d, periods)
    if start or end:
        out["temporalCoverage"] = f"{start or '..'}/{end or '..'}"
    if d.attribution:
        out["creditText"] = d.attribution
    for r in d.resources:
        item: dict[str, Any] = {"@type": "DataDownload", "name": r.title, "encodingFormat": r.mediatype or r.format_info.mediatype}
        if r.is_api:
            item["contentUrl"] = r.path
        else:
            item["contentUrl"] = base + quote(urls.resource_file(d, r))
            if r.size is not None:
                item["contentSize"] = f"{r.size} B"
        out["distribution"].append(item)
        if r.tabular and not r.is_api:
            for fmt in CONVERTED:
                out["distribution"].append({"@type": "DataDownload", "name": titles(fmt, r.title)[0],
                                            "encodingFormat": KINDS[fmt][0],
                                            "contentUrl": base + quote(urls.converted_file(d.id, r.name, fmt))})
    out["distribution"].append({"@type": "DataDownload", "name": titles("zip", None)[0], "encodingFormat": KINDS["zip"][0],
                                "contentUrl": base + quote(urls.dataset_zip(d.id))})
    return out


def script_json(data: Any) -> str:
    """JSON safe inside <script>: `<`, `>` and `&` as \\u escapes, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
