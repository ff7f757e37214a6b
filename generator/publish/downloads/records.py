"""Files the build makes beside the agency's originals (table conversions, the zipped Data Package).

The metadata profiles (DCAT-AP, data.json, CKAN) list them as distributions
next to the originals. The writers that make them return `Download` records;
a profile given none finds them in the site by their published paths
(`found`), so each writer also runs on its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.portal.model import Portfolio
from generator.publish import urls
from generator.publish.downloads.files import sha256_file

# format -> (media type, EU file-type code)
KINDS: dict[str, tuple[str, str]] = {
    "csv": ("text/csv", "CSV"),
    # The same CSV with a byte-order mark: Excel on Windows opens UTF-8 text right only with one.
    "csv-excel": ("text/csv", "CSV"),
    "json": ("application/json", "JSON"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX"),
    "zip": ("application/zip", "ZIP"),
}
CONVERTED = ("csv", "csv-excel", "json", "xlsx")


@dataclass(frozen=True)
class Download:
    dataset: str  # dataset id
    resource: str | None  # the table it converts; None for the whole dataset (zip)
    format: str  # csv, json, xlsx, zip
    path: str  # site-relative
    size: int
    sha256: str
    title: str
    title_en: str

    @property
    def mediatype(self) -> str:
        return KINDS[self.format][0]

    @property
    def eu(self) -> str:
        return KINDS[self.format][1]


Downloads = dict[str, list[Download]]  # dataset id -> its extra downloads, in a fixed order


def titles(fmt: str, resource_title: str | None) -> tuple[str, str]:
    """Vietnamese and English titles of a derived file."""
    if resource_title is None:
        return ("Toàn bộ bộ dữ liệu (gói Data Package, ZIP)", "Whole dataset (zipped Data Package)")
    if fmt == "csv-excel":
        return (f"{resource_title} (bản CSV cho Excel, UTF-8 có BOM)", f"{resource_title} (CSV for Excel, UTF-8 with BOM)")
    return (f"{resource_title} (bản chuyển đổi {fmt.upper()})", f"{resource_title} ({fmt.upper()} conversion)")


def make(site: Path, dataset: str, resource: tuple[str, str] | None, fmt: str, path: str) -> Download:
    """The record of a file just written at site/path; `resource` is (name, title) or None for the zip."""
    digest, size = sha256_file(site / path)
    vi, en = titles(fmt, resource[1] if resource else None)
    return Download(dataset, resource[0] if resource else None, fmt, path, size, digest, vi, en)


def copy(source: Path, site: Path, dataset: str, resource: tuple[str, str] | None, fmt: str, path: str,
         sha256: str) -> Download | None:
    """The record of a file made before, put at site/path from `source` (the build cache or the last site)
    after one read that checks it: None (and nothing at site/path) when `source` is missing or its bytes
    are not those of `sha256`.

    The file is linked where it can be, not copied: a link is one entry, where a copy writes every byte,
    and on a slow disk that is most of a warm build. Both sources are the build's own (a cache entry is
    never changed in place, the last site is retired after the swap), and a cache entry altered through a
    link fails this hash check the next time it is used."""
    import hashlib

    from generator.build.cache import link
    from generator.build.staging import write_file

    try:
        data = source.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != sha256:
        return None
    try:
        link(source, site / path)
    except OSError:  # gone since it was read
        write_file(site / path, data)
    vi, en = titles(fmt, resource[1] if resource else None)
    return Download(dataset, resource[0] if resource else None, fmt, path, len(data), sha256, vi, en)


def found(p: Portfolio, site: Path) -> Downloads:
    """Every derived file present in the site, by its published path (hashes them: prefer the writers' records)."""
    out: Downloads = {}
    for d in p.datasets:
        items: list[Download] = []
        for r in d.resources:
            if not r.tabular or r.source is None:
                continue
            for fmt in CONVERTED:
                path = urls.converted_file(d.id, r.name, fmt)
                if (site / path).is_file():
                    items.append(make(site, d.id, (r.name, r.title), fmt, path))
        if (site / urls.dataset_zip(d.id)).is_file():
            items.append(make(site, d.id, None, "zip", urls.dataset_zip(d.id)))
        out[d.id] = items
    return out


def merge(*parts: Downloads) -> Downloads:
    out: Downloads = {}
    for part in parts:
        for key, items in part.items():
            out.setdefault(key, []).extend(items)
    return out


def as_json(item: Download, base_url: str) -> dict[str, Any]:
    return {"format": item.format, "url": base_url + item.path, "mediatype": item.mediatype, "size": item.size,
            "sha256": item.sha256}


def dataset_json_fields(p: Portfolio, dataset_id: str, made: list, zips: Downloads) -> dict[str, Any]:
    """What the dataset JSON (api/v1/datasets/<id>.json) gains from the downloads, to merge into json_api.detail():

        "package":   the zipped Data Package {format, url, mediatype, size, sha256}
        "metadata":  the same dataset in DCAT-AP (Turtle, JSON-LD) and as CKAN's package_show
        "conversions": resource name -> {rows, files: [{format, url, mediatype, size, sha256}],
                       neutralised_cells, neutralised: [{row, field, value}] ...}
    `made`: conversions.write()'s result; `zips`: datapackage_zip.write()'s.
    """
    from generator.publish.downloads.conversions import resource_json

    base = p.catalog.portal.base_url
    out: dict[str, Any] = {
        "metadata": {"dcat_turtle": base + urls.dcat_dataset(dataset_id, "ttl"),
                     "dcat_jsonld": base + urls.dcat_dataset(dataset_id, "jsonld"),
                     "ckan_package_show": base + urls.ckan_package_show(dataset_id)},
        "conversions": {c.resource: resource_json(c, base) for c in made if c.dataset == dataset_id},
    }
    if zips.get(dataset_id):
        out["package"] = as_json(zips[dataset_id][0], base)
    return out
