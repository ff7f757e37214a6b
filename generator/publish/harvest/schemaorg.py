"""schema.org Dataset JSON-LD for every dataset page (what search engines' dataset search reads)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

from ...model import Dataset, Portfolio
from .. import urls


def dataset(p: Portfolio, d: Dataset) -> dict[str, Any]:
    portal = p.catalog.portal
    base = portal.base_url
    agency = p.catalog.agencies[d.agency]
    licence = p.catalog.licences.get(d.licence)
    operator = p.catalog.agencies.get(portal.operator)
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
        "creator": {"@type": "GovernmentOrganization", "name": agency.name, "url": base + urls.agency_page(agency.id)},
        "publisher": {"@type": "GovernmentOrganization", "name": operator.name if operator else portal.name},
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
    if d.temporal.get("start") or d.temporal.get("end"):
        out["temporalCoverage"] = f"{d.temporal.get('start', '..')}/{d.temporal.get('end', '..')}"
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
    return out


def script_json(data: Any) -> str:
    """JSON safe inside <script>: `<`, `>` and `&` as \\u escapes, so no text can close the element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
