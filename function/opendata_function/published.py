"""What the build published, read from the site folder or from the URL it is served at.

The function knows the portal only through the build's output: site/api/v1/catalog.json,
site/api/v1/datasets/<id>.json, each dataset's CKAN package (site/api/3/action/package_show/<id>.json,
served by the CKAN actions as the build wrote it), CKAN's licence list and, for each table, the CSV conversion the build published
(site/datasets/<id>/converted/<resource>.csv, listed in the dataset JSON under
resources[i].conversions.files). Never the agency's original: what the function serves is what the
downloads hold. Nothing from those files is trusted as a path: ids must be slugs and a conversion's path
stays inside its dataset's folder.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

CATALOG = "api/v1/catalog.json"
CKAN_PACKAGE = "api/3/action/package_show/{}.json"
CKAN_LICENSES = "api/3/action/license_list"
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
    """A published table (a csv file or a sheet of any format) as the keyed API queries it: its CSV conversion."""
    dataset: str
    resource: str
    title: str
    file: str  # site-relative path of the converted CSV
    sha256: str  # of the converted CSV, as the dataset JSON publishes it
    schema: dict[str, Any]
    schema_digest: str  # the typing changes with the schema even when the CSV does not
    ckan_id: str  # the resource id of the table's original in the dataset's CKAN package ("" if none)

    @property
    def version(self) -> tuple[str, ...]:
        return (self.dataset, self.resource, self.sha256, self.file, self.schema_digest)


@dataclass
class Published:
    portal: dict[str, Any]
    summaries: list[dict[str, Any]]
    datasets: dict[str, dict[str, Any]]
    tables: dict[tuple[str, str], TableInfo]
    ckan_ids: dict[str, tuple[str, str]] = field(default_factory=dict)
    # CKAN: each dataset's package as the build wrote it (by name), its id -> name, the licence register.
    packages: dict[str, dict[str, Any]] = field(default_factory=dict)
    package_names: dict[str, str] = field(default_factory=dict)
    licenses: list[dict[str, Any]] = field(default_factory=list)
    fingerprint: str = ""
    # Tables the build published without a usable CSV conversion: (dataset, resource) -> why not served.
    unavailable: dict[tuple[str, str], str] = field(default_factory=dict)

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


def _envelope_result(source: Source, rel: str) -> Any:
    """The `result` of a CKAN answer the build wrote; SiteError when it is missing or not one."""
    try:
        doc = json.loads(source.read(rel, _METADATA_LIMIT))
    except ValueError as exc:
        raise SiteError(f"{rel}: {exc}") from exc
    if not isinstance(doc, dict) or doc.get("success") is not True or "result" not in doc:
        raise SiteError(f"{rel} is not a CKAN answer")
    return doc["result"]


def _package(source: Source, dataset_id: str) -> dict[str, Any]:
    rel = CKAN_PACKAGE.format(dataset_id)
    pkg = _envelope_result(source, rel)
    if not isinstance(pkg, dict) or pkg.get("name") != dataset_id or not isinstance(pkg.get("id"), str) \
            or not isinstance(pkg.get("resources"), list):
        raise SiteError(f"{rel} is not the CKAN package of {dataset_id}")
    return pkg


def catalog_digest(source: Source) -> str:
    """Changes with every build that changes a dataset (catalog.json carries each one's modified time)."""
    return hashlib.sha256(source.read(CATALOG, _METADATA_LIMIT)).hexdigest()


def converted_csv(res: dict[str, Any], dataset_id: str, portal_url: str) -> tuple[str, str]:
    """(site-relative path, sha256) of a table's published CSV conversion; raise SiteError saying why not.

    The dataset JSON gives each conversion as a URL under the portal's address (or a site-relative
    `path`); either way the file must lie inside the dataset's own folder.
    """
    conversions = res.get("conversions")
    if not isinstance(conversions, dict):
        raise SiteError("no conversion published (resources[].conversions missing)")
    entry = next((f for f in conversions.get("files") or [] if isinstance(f, dict) and f.get("format") == "csv"), None)
    if entry is None:
        why = conversions.get("error") or "no csv in conversions.files"
        raise SiteError(f"no CSV conversion published ({why})")
    rel = entry.get("path")
    if rel is None:
        url = str(entry.get("url") or "")
        if not portal_url or not url.startswith(portal_url):
            raise SiteError(f"conversion URL {url[:200]!r} is not under the portal's address {portal_url!r}")
        rel = urllib.parse.unquote(url[len(portal_url):])
    rel = _safe_relpath(rel)
    if rel is None or not rel.startswith(f"datasets/{dataset_id}/") or any(c in rel for c in "?#"):
        raise SiteError(f"conversion path {str(entry.get('path') or entry.get('url'))[:200]!r} is outside "
                        f"datasets/{dataset_id}/")
    digest = str(entry.get("sha256") or "")
    if not re.fullmatch(r"[0-9a-f]{64}", digest):
        raise SiteError("the CSV conversion has no sha256")
    return rel, digest


def _schema_digest(schema: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def load(source: Source) -> Published:
    raw = source.read(CATALOG, _METADATA_LIMIT)
    try:
        catalog = json.loads(raw)
        summaries = [s for s in catalog["datasets"] if isinstance(s, dict) and _SLUG.match(str(s.get("id", "")))]
        portal = catalog.get("portal") or {}
    except (ValueError, KeyError, TypeError) as exc:
        raise SiteError(f"{CATALOG} is not a catalogue: {exc}") from exc
    fingerprint = hashlib.sha256(raw).hexdigest()
    portal_url = str(portal.get("url", "")) if isinstance(portal, dict) else ""
    datasets: dict[str, dict[str, Any]] = {}
    tables: dict[tuple[str, str], TableInfo] = {}
    ckan_ids: dict[str, tuple[str, str]] = {}
    unavailable: dict[tuple[str, str], str] = {}
    packages: dict[str, dict[str, Any]] = {}
    package_names: dict[str, str] = {}
    licenses = _envelope_result(source, CKAN_LICENSES)
    if not isinstance(licenses, list):
        raise SiteError(f"{CKAN_LICENSES} is not a list of licences")
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
        packages[dataset_id] = pkg = _package(source, dataset_id)
        package_names[pkg["id"]] = package_names[dataset_id] = dataset_id
        resource_ids = {str(r.get("portal_name")): str(r.get("id")) for r in pkg["resources"] if isinstance(r, dict)}
        for res in detail.get("resources") or []:
            # A table is what the build converted, or a file with a Table Schema (a table the build
            # failed to convert, reported as not served); documents and APIs are not.
            if not isinstance(res, dict) or not (isinstance(res.get("conversions"), dict) or (
                    isinstance(res.get("schema"), dict) and res.get("format") != "api")):
                continue
            name = str(res.get("name", ""))
            if not _SLUG.match(name):
                continue
            schema = res.get("schema") if isinstance(res.get("schema"), dict) else {}
            if not isinstance(schema.get("fields", []), list):
                schema = {}
            try:
                file, digest = converted_csv(res, dataset_id, portal_url)
            except SiteError as exc:
                unavailable[(dataset_id, name)] = str(exc)
                continue
            info = TableInfo(dataset=dataset_id, resource=name, title=str(res.get("title") or name), file=file,
                             sha256=digest, schema=schema, schema_digest=_schema_digest(schema),
                             ckan_id=resource_ids.get(name, ""))
            tables[(dataset_id, name)] = info
            if info.ckan_id:
                ckan_ids[info.ckan_id] = (dataset_id, name)
    return Published(portal=portal, summaries=summaries, datasets=datasets, tables=tables, ckan_ids=ckan_ids,
                     fingerprint=fingerprint, unavailable=unavailable, packages=packages,
                     package_names=package_names, licenses=licenses)
