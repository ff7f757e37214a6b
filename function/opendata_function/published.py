"""What the build published, read from the site folder or from the URL it is served at.

The function knows the portal only through the build's output: site/api/v1/catalog.json,
site/api/v1/datasets/<id>.json and the files under site/datasets/<id>/files/. Nothing from those files
is trusted as a path: ids must be slugs and a resource path stays inside its dataset's folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

CATALOG = "api/v1/catalog.json"
QUERYABLE = {"csv", "tsv", "xls", "xlsx", "ods"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,199}$")
_METADATA_LIMIT = 20 * 1024 * 1024


class SiteError(Exception):
    pass


class Source(Protocol):
    def read(self, rel: str, limit: int) -> bytes: ...
    def describe(self) -> str: ...


class LocalSite:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()

    def read(self, rel: str, limit: int) -> bytes:
        path = (self.root / rel).resolve()
        if not path.is_relative_to(self.root):  # a symlink or ../ pointing out of the site
            raise SiteError(f"{rel} is outside the site")
        try:
            size = path.stat().st_size
            if size > limit:
                raise SiteError(f"{rel} is {size} bytes, over the limit of {limit}")
            return path.read_bytes()
        except OSError as exc:
            raise SiteError(f"cannot read {rel}: {exc.strerror}") from exc

    def describe(self) -> str:
        return str(self.root)


class HttpSite:
    """The site on a static host or CDN (a serverless function has no copy of its own)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/") + "/"

    def read(self, rel: str, limit: int) -> bytes:
        try:
            with urllib.request.urlopen(self.base + urllib.parse.quote(rel), timeout=30) as response:
                data = response.read(limit + 1)
        except (urllib.error.URLError, OSError) as exc:
            raise SiteError(f"cannot fetch {rel}: {exc}") from exc
        if len(data) > limit:
            raise SiteError(f"{rel} is over the limit of {limit} bytes")
        return data

    def describe(self) -> str:
        return self.base


def open_source(spec: str) -> Source:
    return HttpSite(spec) if spec.startswith(("http://", "https://")) else LocalSite(Path(spec))


@dataclass(frozen=True)
class TableInfo:
    """A published table (a csv file or a sheet) that the keyed API can query."""
    dataset: str
    resource: str
    title: str
    format: str
    file: str  # site-relative path of the published file
    sheet: str | None
    schema: dict[str, Any]
    sha256: str
    ckan_id: str

    @property
    def version(self) -> tuple[str, str, str, str]:
        return (self.dataset, self.resource, self.sha256, self.file)


@dataclass
class Published:
    portal: dict[str, Any]
    summaries: list[dict[str, Any]]
    datasets: dict[str, dict[str, Any]]
    tables: dict[tuple[str, str], TableInfo]
    ckan_ids: dict[str, tuple[str, str]] = field(default_factory=dict)
    fingerprint: str = ""

    def table(self, dataset: str, resource: str) -> TableInfo | None:
        return self.tables.get((dataset, resource))

    def tables_of(self, dataset: str) -> list[TableInfo]:
        return [t for (d, _), t in self.tables.items() if d == dataset]


def _safe_relpath(path: Any) -> str | None:
    if not isinstance(path, str) or not path or path.startswith("/") or "\\" in path:
        return None
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    return path


def ckan_resource_id(portal_url: str, dataset: str, resource: str) -> str:
    """A stable UUID per table, as CKAN clients expect resource ids to look."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{portal_url}#{dataset}/{resource}"))


def catalog_digest(source: Source) -> str:
    """Changes with every build that changes a dataset (catalog.json carries each one's modified time)."""
    return hashlib.sha256(source.read(CATALOG, _METADATA_LIMIT)).hexdigest()


def load(source: Source) -> Published:
    raw = source.read(CATALOG, _METADATA_LIMIT)
    try:
        catalog = json.loads(raw)
        summaries = [s for s in catalog["datasets"] if isinstance(s, dict) and _SLUG.match(str(s.get("id", "")))]
        portal = catalog.get("portal") or {}
    except (ValueError, KeyError, TypeError) as exc:
        raise SiteError(f"{CATALOG} is not a catalogue: {exc}") from exc
    digest = hashlib.sha256(raw)
    fingerprint = digest.hexdigest()
    datasets: dict[str, dict[str, Any]] = {}
    tables: dict[tuple[str, str], TableInfo] = {}
    ckan_ids: dict[str, tuple[str, str]] = {}
    for summary in summaries:
        dataset_id = summary["id"]
        detail_raw = source.read(f"api/v1/datasets/{dataset_id}.json", _METADATA_LIMIT)
        try:
            detail = json.loads(detail_raw)
        except ValueError as exc:
            raise SiteError(f"api/v1/datasets/{dataset_id}.json: {exc}") from exc
        if not isinstance(detail, dict):
            continue
        datasets[dataset_id] = detail
        for res in detail.get("resources") or []:
            if not isinstance(res, dict):
                continue
            name, fmt, path = str(res.get("name", "")), str(res.get("format", "")).lower(), _safe_relpath(res.get("path"))
            schema = res.get("schema")
            if (fmt not in QUERYABLE or path is None or not _SLUG.match(name) or not isinstance(schema, dict)
                    or not isinstance(schema.get("fields"), list)):
                continue
            info = TableInfo(dataset=dataset_id, resource=name, title=str(res.get("title") or name), format=fmt,
                             file=f"datasets/{dataset_id}/files/{path}", sheet=res.get("sheet") or None,
                             schema=schema, sha256=str(res.get("sha256", "")),
                             ckan_id=ckan_resource_id(str(portal.get("url", "")), dataset_id, name))
            tables[(dataset_id, name)] = info
            ckan_ids[info.ckan_id] = (dataset_id, name)
    return Published(portal=portal, summaries=summaries, datasets=datasets, tables=tables, ckan_ids=ckan_ids,
                     fingerprint=fingerprint)
