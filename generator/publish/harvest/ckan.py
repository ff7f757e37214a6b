"""CKAN's Action API v3 (Article 12.3): the one CKAN description of each dataset, and its actions as static files.

The build writes each dataset's CKAN package here, once; the function serves the same file as is
(adding only `datastore_active` for the tables it serves and live counts), so a harvester that uses
both sees one portal. Each file holds CKAN's response envelope {"help", "success": true, "result"}:

    GET /api/3/action/package_list            every dataset name
    GET /api/3/action/package_search          every dataset, whole (static hosts ignore the query string;
                                              the function answers fq/q/facets/sort/rows)
    GET /api/3/action/package_show/<name>.json, package_show/<uuid>.json   one package (package_show?id=
                                              needs the function: a static host cannot read a query string)
    GET /api/3/action/organization_list, organization_show/<name>.json, group_list, group_show/<name>.json,
        tag_list, license_list, status_show, help_show

The files without an extension are what CKAN clients request; static hosts serve them as
application/octet-stream, which CKAN clients parse as JSON anyway. Only GET works (ckanapi: use
`RemoteCKAN(url, get_only=True)`).

Ids are UUIDs, stable across builds (UUIDv5 of stable URLs): the package's of its page URL, an
organisation's and a group's of their pages, a resource's of "<portal>#<dataset>/<resource>" (the
function's datastore ids), a conversion's of "<portal>#<dataset>/<resource>/<format>", the zip's of
"<portal>#<dataset>/package". Slugs keep answering as names. Times are UTC without offset, as CKAN
writes them. Licence ids are those of CKAN's default licence register (`licences`), with the licence's
own URL in license_url. Each resource carries `portal_name` (the resource's name in the portal, or
"<name>/<format>" for a conversion), which the function uses to find the table it serves.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from generator.problems import Problem
from generator.portal.model import Dataset, Portfolio
from generator.publish import urls
from generator.publish.downloads.records import Download, Downloads, found
from generator.publish.harvest import licences
from generator.build.staging import write_file
from generator.publish.harvest.json_api import json_bytes
from generator.publish.harvest.temporal import Periods, coverage

if TYPE_CHECKING:
    from generator.publish.harvest import Job

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


def resource_id(p: Portfolio, dataset_id: str, *parts: str) -> str:
    """The UUID of a resource: of an original `parts` = (name,), of a conversion (name, format), of the zip ("package",)."""
    return _id(f"{p.catalog.portal.base_url}#{dataset_id}/{'/'.join(parts)}")


def first_created(p: Portfolio) -> dict[str, str]:
    """Per agency, its first dataset's time (CKAN's form): an organisation's `created`."""
    out: dict[str, str] = {}
    for d in p.datasets:
        if d.created:
            when = ckan_time(d.created) or ""
            out[d.agency] = min(out[d.agency], when) if d.agency in out else when
    return out


def organization(p: Portfolio, agency_id: str, created: dict[str, str] | None = None) -> dict[str, Any]:
    """`created`: first_created(p), when the caller describes many organisations."""
    a = p.catalog.agencies[agency_id]
    url = p.catalog.portal.base_url + urls.agency_page(a.id)
    return {"id": _id(url), "name": a.id, "title": a.name, "display_name": a.name, "description": a.name_en,
            "type": "organization", "is_organization": True, "state": "active", "approval_status": "approved",
            "image_url": "", "image_display_url": "", "url": url,
            # Its first dataset's time, not the build's: an untouched organisation keeps the same bytes.
            "created": (first_created(p) if created is None else created).get(a.id, "")}


def group(p: Portfolio, topic_id: str) -> dict[str, Any]:
    t = p.catalog.topics[topic_id]
    url = p.catalog.portal.base_url + urls.topic_page(t.id)
    return {"id": _id(url), "name": t.id, "title": t.name, "display_name": t.name, "description": t.name_en,
            "type": "group", "is_organization": False, "state": "active", "approval_status": "approved",
            "image_url": "", "image_display_url": "", "url": url}


def _resource(package_id: str, position: int, d: Dataset, **fields: Any) -> dict[str, Any]:
    out = {"package_id": package_id, "position": position, "state": "active", "url_type": None,
           "datastore_active": False, "created": ckan_time(d.created), "last_modified": ckan_time(d.modified),
           "metadata_modified": ckan_time(d.modified)}
    out.update(fields)
    return out


def licence_fields(p: Portfolio, licence_id: str) -> dict[str, Any]:
    """license_id from CKAN's register, the portal's own title and URL beside it."""
    licence = p.catalog.licences.get(licence_id)
    entry = licences.entry(licence_id)
    return {"license_id": entry.id, "license_title": licence.title if licence else entry.title,
            "license_url": licence.url if licence else entry.url, "isopen": entry.od_conformance == "approved"}


def package(p: Portfolio, d: Dataset, extra: list[Download], periods: Periods | None = None,
            created: dict[str, str] | None = None) -> dict[str, Any]:
    """`created`: first_created(p), when the caller describes many packages."""
    base = p.catalog.portal.base_url
    page = base + urls.dataset_page(d.id)
    package_id = _id(page)
    agency = p.catalog.agencies[d.agency]
    entry = p.catalog.entries[d.catalogue]
    topic = p.topic_of(d)
    tags = sorted({t for t in (tag(k) for k in d.keywords) if t})
    resources = []
    for r in d.resources:
        fields: dict[str, Any] = {"id": resource_id(p, d.id, r.name), "portal_name": r.name, "name": r.title,
                                  "description": r.description, "format": r.format_info.label,
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
        parts = (item.resource, item.format) if item.resource else ("package",)
        resources.append(_resource(package_id, len(resources), d, id=resource_id(p, d.id, *parts),
                                   portal_name="/".join(parts), name=item.title, description=item.title_en,
                                   format=item.eu, mimetype=item.mediatype, resource_type="file",
                                   url=base + item.path, size=item.size, hash=item.sha256, hash_algorithm="sha256"))
    start, end = coverage(d, periods)
    extras = {
        "identifier": page, "catalogue": d.catalogue, "catalogue_title": entry.title,
        "frequency": d.frequency, "frequency_name": d.frequency_info.vi if d.frequency else "",
        "language": p.catalog.portal.language, "title_en": d.title_en, "description_en": d.description_en,
        "spatial_text": d.spatial, "temporal_start": start, "temporal_end": end,
        "attribution": d.attribution, "licence": d.licence, "contact_phone": d.contact.get("phone", ""),
        "legal_basis": entry.legal_basis, "dcat": base + urls.dcat_dataset(d.id, "ttl"),
        "data_package": base + urls.dataset_zip(d.id), "api": base + urls.dataset_json(d.id),
    }
    org = organization(p, d.agency, created)
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
        **licence_fields(p, d.licence),
        "author": agency.name,
        "author_email": agency.email,
        "maintainer": d.contact.get("name") or agency.name,
        "maintainer_email": d.contact.get("email") or agency.email,
        "metadata_created": ckan_time(d.created),
        "metadata_modified": ckan_time(d.modified),
        "creator_user_id": None,
        "owner_org": org["id"],
        "organization": org,
        "groups": [group(p, topic.id)],
        "tags": [{"id": _id(f"{base}#tag/{t}"), "name": t, "display_name": t, "state": "active", "vocabulary_id": None}
                 for t in tags],
        "num_tags": len(tags),
        "resources": resources,
        "num_resources": len(resources),
        "extras": [{"key": k, "value": v} for k, v in sorted(extras.items()) if v],
        "relationships_as_object": [],
        "relationships_as_subject": [],
    }


def license_list() -> list[dict[str, Any]]:
    """CKAN's license_list: the register, each entry as CKAN's License.license_dictize() gives it."""
    return [{"id": e.id, "title": e.title, "url": e.url, "status": "active", "maintainer": "", "family": "",
             "od_conformance": e.od_conformance, "osd_conformance": "not reviewed", "domain_content": False,
             "domain_data": e.domain_data, "domain_software": False, "is_generic": e.url == "" and e.id != "notspecified",
             "is_okd_compliant": e.od_conformance == "approved", "is_osi_compliant": False}
            for e in licences.REGISTER]


def _with_counts(item: dict[str, Any], count: int) -> dict[str, Any]:
    """organization_show / group_show as CKAN answers them without include_datasets."""
    return {**item, "package_count": count, "num_followers": 0, "users": [], "extras": [], "tags": [],
            "groups": []}


STATIC_ACTIONS = ("package_list", "package_search", "package_show", "organization_list", "organization_show",
                  "group_list", "group_show", "tag_list", "license_list", "status_show", "help_show")


def documents(p: Portfolio, downloads: Downloads, periods: Periods | None = None,
              made: Callable[[Dataset, Callable[[], dict]], dict] | None = None) -> dict[str, Any]:
    """site-relative path -> JSON document, for every file this module writes. `made(d, make)`: the
    dataset's package kept from an earlier build, else make() (see `publish`)."""
    return dict(_answers(p, downloads, periods, made, []))


def _answers(p: Portfolio, downloads: Downloads, periods: Periods | None,
             made: Callable[[Dataset, Callable[[], dict]], dict] | None, results: Any) -> Any:
    """(path, document) of every file, each package's answers as soon as it is made; `results` (a list, or
    a `_Results` spool) receives every package and is package_search's `results`."""
    created = first_created(p)
    made = made or (lambda d, make: make())
    portal = p.catalog.portal
    names: list[str] = []
    by_org: dict[str, int] = {}  # packages per organisation and group (their answers give the count)
    by_group: dict[str, int] = {}
    tags: set[str] = set()
    for d in sorted(p.datasets, key=lambda d: d.id):
        pkg = made(d, lambda d=d: package(p, d, downloads.get(d.id, []), periods, created))
        names.append(d.id)
        by_org[pkg["organization"]["name"]] = by_org.get(pkg["organization"]["name"], 0) + 1
        for g in pkg["groups"]:
            by_group[g["name"]] = by_group.get(g["name"], 0) + 1
        tags.update(t["name"] for t in pkg["tags"])
        doc = envelope(p, "package_show", pkg)
        yield urls.ckan_package_show(d.id), doc
        yield urls.ckan_package_show(pkg["id"]), doc
        results.append(pkg)
    actions: dict[str, Any] = {
        "package_list": sorted(names),
        "package_search": {"count": len(names), "results": results, "sort": "name asc",
                           "facets": {}, "search_facets": {}},
        "organization_list": sorted(by_org),
        "group_list": sorted(by_group),
        "tag_list": sorted(tags),
        "license_list": license_list(),
        "status_show": {"site_title": portal.name, "site_url": portal.base_url.rstrip("/"),
                        "site_description": portal.name_en, "locale_default": portal.language,
                        "extensions": [], "api_version": 3},
        "help_show": "Static CKAN Action API v3 answers of the portal; actions served here: "
                     + ", ".join(STATIC_ACTIONS) + ". Query strings are ignored: package_show, organization_show "
                     "and group_show are files named by id (package_show/<name>.json). The portal's function "
                     "answers every action with its arguments.",
    }
    for action, result in actions.items():
        doc = envelope(p, action, result)
        yield urls.ckan_action(action), doc
        yield urls.ckan_action(action) + ".json", doc
    for name, count in by_org.items():
        yield urls.ckan_show("organization_show", name), envelope(
            p, "organization_show", _with_counts(organization(p, name, created), count))
    for name, count in by_group.items():
        yield urls.ckan_show("group_show", name), envelope(p, "group_show", _with_counts(group(p, name), count))


class _Results:
    """package_search's `results` as the packages pass, each written out (json_api.json_bytes, indented at
    its depth in the answer) into a temporary file instead of held: the answer is then written from it."""

    MARK = "\x00results\x00"
    DEPTH = b"      "  # envelope -> result -> results -> each package: three levels of two spaces

    def __init__(self) -> None:
        import tempfile

        self.file = tempfile.TemporaryFile(prefix="opendata-ckan-")
        self.count = 0

    def append(self, pkg: dict[str, Any]) -> None:
        text = json_bytes(pkg)[:-1]  # without its final newline; a newline inside a string is escaped
        self.file.write((b",\n" if self.count else b"") + self.DEPTH + text.replace(b"\n", b"\n" + self.DEPTH))
        self.count += 1

    def write(self, target: Path, doc: dict[str, Any]) -> None:
        """The answer `doc` (holding this spool as its results) into `target`, the packages copied from the spool."""
        head, tail = json_bytes({**doc, "result": {**doc["result"], "results": self.MARK}}).split(
            json.dumps(self.MARK).encode(), 1)
        target.parent.mkdir(parents=True, exist_ok=True)
        self.file.flush()
        self.file.seek(0)
        with target.open("wb") as fh:
            fh.write(head + (b"[\n" if self.count else b"["))
            while block := self.file.read(1 << 20):
                fh.write(block)
            fh.write((b"\n    ]" if self.count else b"]") + tail)


OWN_CORES = False


def publish(job: Job) -> tuple[list[Problem], list[Problem]]:
    """Each package kept in the build cache by what it depends on (its organisation's first time too)."""
    created = first_created(job.portfolio)
    parts = job.parts("ckan-packages")
    write(job.portfolio, job.site, job.downloads, job.periods,
          lambda d, make: parts.made(job.part_key("ckan-package", d.id, created.get(d.agency, "")), make))
    parts.save()
    return [], []


def write(p: Portfolio, site: Path, downloads: Downloads | None = None, periods: Periods | None = None,
          made: Callable[[Dataset, Callable[[], dict]], dict] | None = None) -> None:
    """Every answer, each package's as it is made: only package_search's whole list waits, in a temporary
    file (what `documents` gives, written out, without holding every package)."""
    # A document at two paths (name and id, with and without .json), listed one after the other: its
    # bytes made once, and only the last document's held.
    last: tuple[Any, bytes] = (None, b"")  # the document itself (its id could be a freed one's)
    results = _Results()
    try:
        for path, doc in _answers(p, found(p, site) if downloads is None else downloads, periods, made, results):
            if isinstance(doc["result"], dict) and doc["result"].get("results") is results:
                results.write(site / path, doc)
                continue
            if last[0] is not doc:
                last = (doc, json_bytes(doc))
            write_file(site / path, last[1])
    finally:
        results.file.close()
