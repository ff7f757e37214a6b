"""site/data.json: the catalogue as Project Open Data v1.1 (Article 12.3), what CKAN's data.json harvester reads.

Checked against the POD 1.1 JSON Schema (non-federal variant, draft-04,
generator/standards/pod-1.1) with jsonschema; the schema's `$ref` is resolved
from the local copy, never the network.

Choices where POD and the portal differ:
- `identifier` is the dataset page URL (stable; a renamed dataset keeps a redirect there);
- `accrualPeriodicity` is ISO 8601 (R/P1Y ...), "irregular", or omitted for a dataset never updated;
- each table's distributions: the original, then its CSV/JSON/XLSX conversions, then the zipped
  Data Package; an API connection is an `accessURL` with format "API";
- `describedBy` of a table points at the dataset JSON, which carries its Table Schema.
"""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from generator import PACKAGE_DIR
from generator.portal.model import Dataset, Portfolio
from generator.publish import urls
from generator.publish.downloads.records import Download, Downloads, found
from generator.publish.harvest.json_api import json_bytes, write_json
from generator.problems import Problem
from generator.publish.harvest.temporal import Periods, coverage

if TYPE_CHECKING:
    from generator.publish.harvest import Job

SCHEMA_DIR = PACKAGE_DIR / "standards" / "pod-1.1"
CONFORMS_TO = "https://project-open-data.cio.gov/v1.1/schema"
PERIODICITY = {"daily": "R/P1D", "weekly": "R/P1W", "monthly": "R/P1M", "quarterly": "R/P3M",
               "semiannual": "R/P6M", "annual": "R/P1Y", "irregular": "irregular"}


def _distribution(title: str, description: str, fmt: str, url: str, mediatype: str,
                  described_by: str | None = None) -> dict[str, Any]:
    out = {"@type": "dcat:Distribution", "title": title, "description": description, "format": fmt,
           "downloadURL": url, "mediaType": mediatype}
    if described_by:
        out.update({"describedBy": described_by, "describedByType": "application/json"})
    return out


def dataset(p: Portfolio, d: Dataset, extra: list[Download], periods: Periods | None = None) -> dict[str, Any]:
    base = p.catalog.portal.base_url
    agency = p.catalog.agencies[d.agency]
    page = base + urls.dataset_page(d.id)
    api = base + urls.dataset_json(d.id)
    topic = p.topic_of(d)
    out: dict[str, Any] = {
        "@type": "dcat:Dataset",
        "identifier": page,
        "title": d.title,
        "description": d.description.strip() or d.title,
        "publisher": {"@type": "org:Organization", "name": agency.name},
        "contactPoint": {"@type": "vcard:Contact", "fn": d.contact.get("name") or agency.name},
        "accessLevel": "public",
        "landingPage": page,
        "language": [p.catalog.portal.language],
        "theme": [topic.name],
        "issued": d.created,
        "modified": d.modified,
    }
    email = d.contact.get("email") or agency.email
    if email:
        out["contactPoint"]["hasEmail"] = f"mailto:{email}"
    if d.keywords:
        out["keyword"] = d.keywords
    licence = p.catalog.licences.get(d.licence)
    if licence:
        out["license"] = licence.url
    periodicity = PERIODICITY.get(d.frequency)
    if periodicity:
        out["accrualPeriodicity"] = periodicity
    if d.spatial:
        out["spatial"] = d.spatial
    start, end = coverage(d, periods)
    if start and end:
        out["temporal"] = f"{start}/{end}"
    references = [s["path"] for s in d.sources if isinstance(s.get("path"), str) and s["path"].startswith("http")]
    if references:
        out["references"] = sorted(set(references))
    dists = []
    for r in d.resources:
        description = r.description.strip() or r.title
        if r.is_api:
            dists.append({"@type": "dcat:Distribution", "title": r.title, "description": description,
                          "format": "API", "accessURL": r.path})
        else:
            dists.append(_distribution(r.title, description, r.format_info.label, base + urls.resource_href(d, r),
                                       r.mediatype, api if r.schema else None))
    for item in extra:
        dists.append(_distribution(item.title, item.title_en, item.eu, base + item.path, item.mediatype,
                                   api if item.resource else None))
    if dists:
        out["distribution"] = dists
    return out


def catalog(p: Portfolio, downloads: Downloads, periods: Periods | None = None,
            made: Callable[[Dataset, Callable[[], dict]], dict] | None = None) -> dict[str, Any]:
    """`made(d, make)`: the dataset's entry kept from an earlier build, else make()."""
    base = p.catalog.portal.base_url
    made = made or (lambda d, make: make())
    return {
        "@context": "https://project-open-data.cio.gov/v1.1/schema/catalog.jsonld",
        "@id": base + urls.DATA_JSON,
        "@type": "dcat:Catalog",
        "conformsTo": CONFORMS_TO,
        "describedBy": "https://project-open-data.cio.gov/v1.1/schema/catalog.json",
        "dataset": [made(d, lambda d=d: dataset(p, d, downloads.get(d.id, []), periods))
                    for d in sorted(p.datasets, key=lambda d: d.id)],
    }


@lru_cache(maxsize=1)
def _schemas() -> tuple[dict[str, Any], Any]:
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    schemas = {name: json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8"))
               for name in ("catalog.json", "dataset-non-federal.json")}
    registry = Registry().with_resources(
        (schema["id"].rstrip("#"), Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in schemas.values())
    return schemas, registry


@lru_cache(maxsize=2)
def _validator(part: str = "catalog") -> Any:
    """The catalogue's validator, or ("dataset") the one its `dataset` items are checked with."""
    from jsonschema import Draft4Validator

    schemas, registry = _schemas()
    schema = schemas["catalog.json"]
    if part == "dataset":  # the items' schema, its reference made absolute (a root $ref ignores the id beside it)
        from urllib.parse import urljoin

        items = dict(schema["properties"]["dataset"]["items"])
        items["$ref"] = urljoin(schema["id"], items["$ref"])
        schema = {"$schema": schema["$schema"], **items}
    return Draft4Validator(schema, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


Found = list[tuple[list[Any], str]]  # (absolute path, message) of each error


def _lines(found: Found) -> list[str]:
    ordered = sorted(found, key=lambda e: list(map(str, e[0])))  # stable: ties keep the validator's order
    return [f"{'/'.join(map(str, path)) or '(root)'}: {message}" for path, message in ordered]


def check(document: dict[str, Any], parts: Any = None) -> list[str]:
    """Every way the document breaks the POD 1.1 schema, as "path: message" lines (empty: valid).

    The catalogue's own keys and each dataset entry are checked apart (the schema checks entries one by
    one and none against another), each verdict kept in `parts` (build.cache.Parts, or EntryParts where
    processes share it) by the hash of what it checked; the cache key holds the versions of jsonschema
    and of the libraries its format checks need. The lines equal those of checking the whole document;
    when every verdict is kept, no validator is made (nor jsonschema imported).
    """
    entries = document.get("dataset") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return _lines([(list(e.absolute_path), e.message) for e in _validator().iter_errors(document)])
    from generator.build.cache import key as cache_key

    def verdict(kind: str, value: Any, validator: str) -> list:
        mark = cache_key(kind, hashlib.sha256(json_bytes(value)).hexdigest()) if parts is not None else ""
        kept = parts.get(mark) if parts is not None else None
        if isinstance(kept, list):
            return kept
        made = [[list(e.absolute_path), e.message] for e in _validator(validator).iter_errors(value)]
        if parts is not None:
            parts.put(mark, made)
        return made

    found: Found = [(path, str(message))
                    for path, message in verdict("pod-1.1-catalogue", {**document, "dataset": []}, "catalog")]
    for i, entry in enumerate(entries):
        found += [(["dataset", i, *path], str(message)) for path, message in verdict("pod-1.1-entry", entry, "dataset")]
    return _lines(found)


OWN_CORES = False


def publish(job: Job) -> tuple[list[Problem], list[Problem]]:
    entries, verdicts = job.parts("pod-1.1-datasets"), job.parts("pod-1.1-verdicts")
    errors = check(write(job.portfolio, job.site, job.downloads, job.periods,
                         lambda d, make: entries.made(job.part_key("pod-1.1-dataset", d.id), make)), verdicts)
    entries.save()
    verdicts.save()
    if not errors:
        return [], []
    return [Problem("site/data.json", "data.json không hợp lệ theo Project Open Data 1.1.",
                    f"data.json is not valid Project Open Data 1.1: {'; '.join(errors[:20])}", code="data-json")], []


def write(p: Portfolio, site: Path, downloads: Downloads | None = None, periods: Periods | None = None,
          made: Callable[[Dataset, Callable[[], dict]], dict] | None = None) -> dict[str, Any]:
    """Write site/data.json; return the document (for `check`)."""
    document = catalog(p, found(p, site) if downloads is None else downloads, periods, made)
    write_json(site / urls.DATA_JSON, document)
    return document
