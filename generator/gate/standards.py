"""The harvesting standards' own validators, run by the gate on what the build will publish.

The build writes data.json (Project Open Data 1.1, checked with jsonschema) and DCAT-AP (checked with
pySHACL) and fails when either is invalid. A pull request must not be able to pass the gate and then fail
there, blocking every later publish: so the gate builds the same records from the same functions and
runs the same validators, and names the descriptor key that made them invalid.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from generator.problems import Problems
from generator.portal.model import Catalog, Dataset, Portfolio

if TYPE_CHECKING:
    from generator.build.cache import Cache

# Build time stands in for git's dates (the gate runs before a commit exists); both are ISO 8601.
STAND_IN_TIME = "2000-01-01T00:00:00+07:00"
CHUNK = 100  # datasets per pySHACL run, as the build (harvest.dcat.CHUNK)
# data.json keys, and the descriptor key each comes from.
_DESCRIPTOR_KEY = {"title": "title", "description": "description", "keyword": "keywords", "contactPoint": "contact",
                   "spatial": "spatial", "temporal": "temporal", "references": "sources", "distribution": "resources",
                   "license": "licenses", "accrualPeriodicity": "frequency", "theme": "catalogue",
                   "identifier": "name", "landingPage": "name"}


def check_standards(catalog: Catalog, datasets: list[Dataset], problems: Problems, shapes: bool = True,
                    cache: Cache | None = None) -> None:
    """data.json and DCAT-AP of each dataset, validated as the build validates them; a problem per dataset.

    `shapes=False` skips the SHACL run: the build checks the DCAT-AP graph it publishes itself, over the
    datasets that changed and on both cores, and refuses it just the same. `cache`: each dataset's data.json
    verdict is kept under the hash of its record, and its DCAT-AP verdict under the digest of what its graph
    is made from, so an unchanged record or dataset is not validated again."""
    from generator.build.cache import EntryParts
    from generator.publish import harvest
    from generator.publish.harvest import datajson

    if not datasets:
        return
    stand_in = [replace(d, created=d.created or STAND_IN_TIME, modified=d.modified or STAND_IN_TIME)
                for d in datasets]
    # One document for all of them, as the build writes it: an error's path names its dataset's position.
    document = datajson.catalog(Portfolio(catalog, stand_in, "", STAND_IN_TIME, 0), {})
    ordered = sorted(stand_in, key=lambda d: d.id)  # datajson.catalog's order
    kept = EntryParts(cache) if cache is not None and cache.folder is not None else None
    for line in datajson.check(document, kept):
        path, _, message = line.partition(": ")
        parts = path.split("/")  # dataset/<position>/<key>/...
        mine = len(parts) > 1 and parts[0] == "dataset" and parts[1].isdigit() and int(parts[1]) < len(ordered)
        file = ordered[int(parts[1])].descriptor_file if mine else "catalog/portal.yaml"
        key = _DESCRIPTOR_KEY.get(parts[2], "") if mine and len(parts) > 2 else ""
        shown = "/".join(parts[2:]) if mine else path
        problems.error(file, f"data.json của bộ dữ liệu sẽ không hợp lệ (Project Open Data 1.1): {shown or path}: {message}.",
                       f"the dataset's data.json would not be valid Project Open Data 1.1: {shown or path}: {message}.",
                       f"sửa giá trị của “{key or 'khóa đã nêu'}” (địa chỉ phải là URL đầy đủ, không dấu cách hay <>).",
                       f"correct the value of “{key or 'the key named'}” (addresses must be full URLs, no spaces "
                       "or <>).", where=key, code="data-json")
    if not shapes:
        return
    portfolio = Portfolio(catalog, stand_in, "", STAND_IN_TIME, 0)
    # A dataset's verdict is kept under the digest of all its graph is made from (the dataset as loaded, the
    # catalogue, the unit lists: harvest.fingerprints, as the build's parts) and the generator's version: an
    # unchanged dataset is not checked again, nor its graph made, nor rdflib and pySHACL imported.
    keys = {i: cache.key("dcat-shapes", digest) for i, digest in harvest.fingerprints(portfolio).items()} \
        if cache is not None and cache.folder is not None else {}
    verdicts: dict[str, tuple[bool, str]] = {}
    for dataset_id, entry_key in keys.items():
        hit = cache.get(entry_key)
        if hit is not None:
            verdicts[dataset_id] = (bool(hit.meta[0]), str(hit.meta[1]))
    if len(verdicts) == len(stand_in):
        _report_shapes(stand_in, verdicts, problems)
        return
    from generator.publish.harvest import dcat

    published = dcat.catalog_triples(portfolio)
    for start in range(0, len(stand_in), CHUNK):
        chunk = [d for d in stand_in[start:start + CHUNK] if d.id not in verdicts]
        if not chunk:
            continue
        if dcat.check(published.graph(only=[d.id for d in chunk]))[0]:
            verdicts.update((d.id, (True, "")) for d in chunk)  # datasets share no constraint
        else:
            for d in chunk:  # name the datasets that broke the part
                verdicts[d.id] = dcat.check(published.graph(only=[d.id]))
        for d in chunk:
            if d.id in keys:
                cache.put(keys[d.id], list(verdicts[d.id]))
    _report_shapes(stand_in, verdicts, problems)


def _report_shapes(datasets: list[Dataset], verdicts: dict[str, tuple[bool, str]], problems: Problems) -> None:
    for d in datasets:
        ok, text = verdicts[d.id]
        if not ok:
            problems.error(d.descriptor_file, "siêu dữ liệu DCAT-AP của bộ dữ liệu sẽ không đạt các ràng buộc bắt buộc.",
                           f"the dataset's DCAT-AP metadata would violate the mandatory shapes:\n{text[:2000]}",
                           "sửa giá trị được nêu trong báo cáo (địa chỉ, email, ngày tháng).",
                           "correct the values the report names (addresses, e-mail, dates).", code="dcat-ap")
