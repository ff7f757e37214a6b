"""CKAN API v3 answered by static files (Article 12.3): for a national portal or province running CKAN/DKAN.

A static host cannot run CKAN's actions, but it can serve their answers. Each
file holds CKAN's response envelope {"help", "success": true, "result"}:

    GET /api/3/action/package_list          site/api/3/action/package_list    (+ package_list.json)
    GET /api/3/action/package_search?...    site/api/3/action/package_search  (+ .json): every dataset, whole
    GET /api/3/action/organization_list     site/api/3/action/organization_list (+ .json)
    GET /api/3/action/group_list            site/api/3/action/group_list      (+ .json)
    GET /api/3/action/status_show           site/api/3/action/status_show     (+ .json)
    GET /api/3/action/package_show?id=<id>  NOT servable statically (query string): it is published at
                                            site/api/3/action/package_show/<id>.json

The files without an extension are what CKAN clients request; static hosts and
`python -m http.server` serve them as application/octet-stream, which CKAN
clients parse as JSON anyway (they never check the type). The `.json` twins are
for browsers and hosts that need a type. Static hosts ignore the query string,
so CKAN's harvester (ckanext-harvest CKANHarvester), which pages through
`package_search?fq=...&rows=...&start=...`, receives every dataset on its first
page, drops the repeats on the next and stops. Only GET works (ckanapi: use
`RemoteCKAN(url, get_only=True)`).

Packages follow `package_show`'s shape: name = dataset id, organization =
agency, groups = topic, tags = keywords (CKAN's tag rules applied), resources
with url, format, mimetype, size, hash (sha256), and the portal's own
properties in `extras`. Ids are UUIDv5 of the dataset page URL, stable across
builds. Times are UTC without offset, as CKAN writes them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ...errors import Problem
from ...model import Dataset, Portfolio
from .. import urls
from ..downloads import Download, Downloads, found
from .json_api import write_json

if TYPE_CHECKING:
    from . import Job

# catalog/licences.yaml ids -> the ids of CKAN's default licence register, where it has one.
CKAN_LICENCES = {"CC-BY-4.0": "cc-by", "CC0-1.0": "cc-zero", "ODC-BY-1.0": "odc-by", "CC-BY-SA-4.0": "cc-by-sa",
                 "ODbL-1.0": "odc-odbl", "PDDL-1.0": "odc-pddl"}
TAG_BAD = re.compile(r"[^\w \-.]", re.UNICODE)  # CKAN accepts letters, digits, spaces and -_.


def _id(url: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, url))


def ckan_time(iso: str) -> str | None:
    """CKAN's timestamps: UTC, ISO 8601 without offset."""
    if not iso:
        return None
    try:
        return dt.datetime.fromisoformat(iso).astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat()
    except ValueError:
        return None


def tag(keyword: str) -> str | None:
    """A keyword as a valid CKAN tag (2-100 characters of letters, digits, spaces, -_.), or None."""
    name = re.sub(r"\s+", " ", TAG_BAD.sub(" ", keyword)).strip()[:100].strip()
    return name if len(name) >= 2 else None


def envelope(p: Portfolio, action: str, result: Any) -> dict[str, Any]:
    return {"help": f"{p.catalog.portal.base_url}{urls.ckan_action('help_show')}?name={action}", "success": True,
            "result": result}


def organization(p: Portfolio, agency_id: str) -> dict[str, Any]:
    a = p.catalog.agencies[agency_id]
    url = p.catalog.portal.base_url + urls.agency_page(a.id)
    return {"id": _id(url), "name": a.id, "title": a.name, "display_name": a.name, "description": a.name_en,
            "type": "organization", "is_organization": True, "state": "active", "approval_status": "approved",
            "image_url": ""}


def group(p: Portfolio, topic_id: str) -> dict[str, Any]:
    t = p.catalog.topics[topic_id]
    url = p.catalog.portal.base_url + urls.topic_page(t.id)
    return {"id": _id(url), "name": t.id, "title": t.name, "display_name": t.name, "description": t.name_en,
            "image_display_url": ""}


def _resource(package_id: str, position: int, d: Dataset, **fields: Any) -> dict[str, Any]:
    out = {"package_id": package_id, "position": position, "state": "active", "url_type": None,
           "datastore_active": False, "created": ckan_time(d.created), "last_modified": ckan_time(d.modified),
           "metadata_modified": ckan_time(d.modified)}
    out.update(fields)
    out["id"] = _id(out["url"] + "#" + out["name"])
    return out


def package(p: Portfolio, d: Dataset, extra: list[Download]) -> dict[str, Any]:
    base = p.catalog.portal.base_url
    page = base + urls.dataset_page(d.id)
    package_id = _id(page)
    agency = p.catalog.agencies[d.agency]
    entry = p.catalog.entries[d.catalogue]
    topic = p.topic_of(d)
    licence = p.catalog.licences.get(d.licence)
    tags = sorted({t for t in (tag(k) for k in d.keywords) if t})
    resources = []
    for r in d.resources:
        fields: dict[str, Any] = {"name": r.title, "description": r.description, "format": r.format_info.label,
                                  "mimetype": r.mediatype, "resource_type": "api" if r.is_api else "file"}
        if r.is_api:
            fields.update({"url": r.path, "size": None, "hash": ""})
        else:
            fields.update({"url": base + urls.resource_href(d, r), "size": r.size, "hash": r.sha256 or "",
                           "hash_algorithm": "sha256"})
        if r.schema is not None:  # ckanext-validation reads a Table Schema (as JSON text) here
            fields["schema"] = json.dumps(r.schema, ensure_ascii=False, sort_keys=True)
        resources.append(_resource(package_id, len(resources), d, **fields))
    for item in extra:
        resources.append(_resource(package_id, len(resources), d, name=item.title, description=item.title_en,
                                   format=item.eu, mimetype=item.mediatype, resource_type="file",
                                   url=base + item.path, size=item.size, hash=item.sha256, hash_algorithm="sha256"))
    extras = {
        "identifier": page, "catalogue": d.catalogue, "catalogue_title": entry.title,
        "frequency": d.frequency, "frequency_name": d.frequency_info.vi if d.frequency else "",
        "language": p.catalog.portal.language, "title_en": d.title_en, "spatial_text": d.spatial,
        "temporal_start": d.temporal.get("start", ""), "temporal_end": d.temporal.get("end", ""),
        "attribution": d.attribution, "licence": d.licence, "contact_phone": d.contact.get("phone", ""),
        "legal_basis": entry.legal_basis, "dcat": base + urls.dcat_dataset(d.id, "ttl"),
        "data_package": base + urls.dataset_zip(d.id), "api": base + urls.dataset_json(d.id),
    }
    return {
        "id": package_id,
        "name": d.id,
        "title": d.title,
        "notes": d.description,
        "url": page,
        "version": None,
        "state": "active",
        "type": "dataset",
        "private": False,
        "isopen": True,
        "license_id": CKAN_LICENCES.get(d.licence, d.licence),
        "license_title": licence.title if licence else "",
        "license_url": licence.url if licence else "",
        "author": agency.name,
        "author_email": agency.email,
        "maintainer": d.contact.get("name") or agency.name,
        "maintainer_email": d.contact.get("email") or agency.email,
        "metadata_created": ckan_time(d.created),
        "metadata_modified": ckan_time(d.modified),
        "owner_org": organization(p, d.agency)["id"],
        "organization": organization(p, d.agency),
        "groups": [group(p, topic.id)],
        "tags": [{"name": t, "display_name": t, "state": "active", "vocabulary_id": None} for t in tags],
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": k, "value": v} for k, v in sorted(extras.items()) if v],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def documents(p: Portfolio, downloads: Downloads) -> dict[str, Any]:
    """site-relative path -> JSON document, for every file this module writes."""
    packages = {d.id: package(p, d, downloads.get(d.id, [])) for d in sorted(p.datasets, key=lambda d: d.id)}
    portal = p.catalog.portal
    actions = {
        "package_list": sorted(packages),
        "package_search": {"count": len(packages), "results": list(packages.values()), "sort": "name asc",
                           "facets": {}, "search_facets": {}},
        "organization_list": sorted({d.agency for d in p.datasets}),
        "group_list": sorted({p.topic_of(d).id for d in p.datasets}),
        "status_show": {"site_title": portal.name, "site_url": portal.base_url.rstrip("/"),
                        "site_description": portal.name_en, "locale_default": portal.language,
                        "extensions": [], "api_version": 3},
    }
    out: dict[str, Any] = {}
    for action, result in actions.items():
        doc = envelope(p, action, result)
        out[urls.ckan_action(action)] = doc
        out[urls.ckan_action(action) + ".json"] = doc
    for name, pkg in packages.items():
        out[urls.ckan_package_show(name)] = envelope(p, "package_show", pkg)
    return out


OWN_CORES = False


def publish(job: Job) -> tuple[list[Problem], list[Problem]]:
    write(job.portfolio, job.site, job.downloads)
    return [], []


def write(p: Portfolio, site: Path, downloads: Downloads | None = None) -> None:
    for path, doc in documents(p, found(p, site) if downloads is None else downloads).items():
        write_json(site / path, doc)
