"""Static JSON endpoints: site/api/v1/catalog.json and site/api/v1/datasets/<id>.json."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

import orjson

from generator.build.staging import write_file
from generator.portal import units
from generator.portal.model import Dataset, Portfolio
from generator.publish import urls
from generator.problems import Problem

if TYPE_CHECKING:
    from generator.publish.harvest import Job


def json_bytes(data: Any) -> bytes:
    """The portal's JSON files: sorted keys, two-space indent, UTF-8 text unescaped, a final newline; the
    same input gives the same bytes. orjson writes it several times faster than the standard library and
    the same text, but for floats in exponent form (1e-05 is written 0.00001: the same number); what
    orjson cannot write (an integer beyond 64 bits, a Decimal) falls back to the standard library."""
    try:
        return orjson.dumps(data, option=_ORJSON) + b"\n"
    except TypeError:  # orjson.JSONEncodeError
        return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


_ORJSON = orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS


def write_json(path: Path, data: Any) -> None:
    write_file(path, json_bytes(data))


def portal_info(p: Portfolio) -> dict[str, Any]:
    portal = p.catalog.portal
    return {
        "id": portal.id, "name": portal.name, "name_en": portal.name_en, "province": portal.province,
        "url": portal.base_url, "operator": portal.operator, "regulation": portal.regulation.get("code", ""),
    }


def summary(p: Portfolio, d: Dataset) -> dict[str, Any]:
    base = p.catalog.portal.base_url
    agency = p.catalog.agencies[d.agency]
    topic = p.topic_of(d)
    return {
        "id": d.id,
        "title": d.title,
        "agency": {"id": agency.id, "name": agency.name},
        "topic": {"id": topic.id, "name": topic.name},
        "catalogue": d.catalogue,
        "keywords": d.keywords,
        "formats": d.formats,
        "frequency": d.frequency,
        "licence": d.licence,
        "created": d.created,
        "modified": d.modified,
        "url": base + urls.dataset_page(d.id),
        "api": base + urls.dataset_json(d.id),
    }


def detail(p: Portfolio, d: Dataset) -> dict[str, Any]:
    base = p.catalog.portal.base_url
    entry = p.catalog.entries[d.catalogue]
    licence = p.catalog.licences[d.licence]
    out = summary(p, d)
    agency = p.catalog.agencies[d.agency]
    out.update({
        "title_en": d.title_en,
        "description": d.description,
        "agency": {"id": agency.id, "name": agency.name, "name_en": agency.name_en, "email": agency.email,
                   "url": base + urls.agency_page(agency.id)},
        "catalogue": {"code": entry.code, "title": entry.title, "legal_basis": entry.legal_basis},
        "frequency": {"id": d.frequency, "name": d.frequency_info.vi, "name_en": d.frequency_info.en},
        "licence": {"id": licence.id, "title": licence.title, "url": licence.url},
        "attribution": d.attribution,
        "contact": d.contact,
        "sources": d.sources,
        "spatial": d.spatial,
        "spatial_units": [place.to_json() for place in units.coverage(d, base)],
        "temporal": d.temporal,
        "resources": [resource(p, d, r) for r in d.resources],
    })
    if d.id in p.quality:  # the quality scores, criterion by criterion (generator.quality)
        out["quality"] = {sid: score.to_json() for sid, score in p.quality[d.id].items()}
    return out


def resource(p: Portfolio, d: Dataset, r) -> dict[str, Any]:
    base = p.catalog.portal.base_url
    out: dict[str, Any] = {
        "name": r.name, "title": r.title, "description": r.description, "format": r.format,
        "mediatype": r.mediatype,
    }
    if r.is_api:
        out["url"] = r.path
    else:
        out.update({"url": base + quote(urls.resource_file(d, r)), "path": r.path, "size": r.size, "sha256": r.sha256})
    if r.sheet:
        out["sheet"] = r.sheet
    if r.schema is not None:
        out["schema"] = r.schema
    return out


OWN_CORES = False


def publish(job: Job) -> tuple[list[Problem], list[Problem]]:
    """Each dataset's JSON kept in the build cache by what it depends on (its quality scores too)."""
    p, parts = job.portfolio, job.parts("api-datasets")

    def made(d: Dataset, make: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        scores = {sid: score.to_json() for sid, score in p.quality.get(d.id, {}).items()}
        return parts.made(job.part_key("api-dataset", d.id, job.dataset_json.get(d.id), scores), make)

    write(p, job.site, job.dataset_json, made)
    parts.save()
    return [], []


def write(p: Portfolio, site: Path, extra: dict[str, dict[str, Any]] | None = None,
          made: Callable[[Dataset, Callable[[], dict[str, Any]]], dict[str, Any]] | None = None) -> None:
    """`extra`: per dataset id, fields the download and metadata outputs add (package, metadata, conversions);
    `made(d, make)`: the dataset's document kept from an earlier build, else make()."""
    write_json(site / urls.CATALOG_JSON, {
        "portal": portal_info(p),
        "count": len(p.datasets),
        "datasets": [summary(p, d) for d in sorted(p.datasets, key=lambda d: d.id)],
    })
    for d in p.datasets:
        make = lambda d=d: document(p, d, (extra or {}).get(d.id, {}))  # noqa: E731
        write_json(site / urls.dataset_json(d.id), made(d, make) if made else make())


def document(p: Portfolio, d: Dataset, extra: dict[str, Any]) -> dict[str, Any]:
    """api/v1/datasets/<id>.json: `detail` and what the downloads add (`extra`)."""
    doc = detail(p, d)
    added = dict(extra)
    per_resource = added.pop("conversions", {}) or {}
    for r in doc["resources"]:
        if r["name"] in per_resource:
            r["conversions"] = per_resource[r["name"]]
    doc.update(added)
    return doc
