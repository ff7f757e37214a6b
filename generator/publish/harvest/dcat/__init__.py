"""DCAT-AP 3 for harvesters (Article 12.3): the national portal and any European-style catalogue read it.

    site/dcat/catalog.ttl, site/dcat/catalog.jsonld                the whole catalogue
    site/dcat/datasets/<id>.ttl, site/dcat/datasets/<id>.jsonld    one dataset with everything it refers to

Checked with the official SHACL shapes (generator/standards/dcat-ap-3.0.1):
`shapes.ttl` and `range.ttl` must conform (`check`: the build fails on a
violation); `shapes_recommended.ttl` is reported as warnings (`recommendations`).
pySHACL needs ~12 s of CPU for a 1,000-dataset catalogue, so the build checks
it in parts of 100 datasets over the cores (`check_published`), and a rebuild
checks the catalogue's own nodes and only the datasets whose Turtle changed
since the last good site (`Published.changed_since`, `Published.graph(only=...)`):
datasets share no constraint, so that verdict equals the whole catalogue's.

Every node has a stable IRI under the portal's base URL (no blank nodes), so
the same commit always serialises to the same bytes:

    <base>#catalog                          dcat:Catalog
    <base>datasets/<id>/#dataset             dcat:Dataset (its landing page is <base>datasets/<id>/)
    <base>datasets/<id>/#<resource>          dcat:Distribution of an original file or API
    <base>datasets/<id>/#<resource>-<fmt>    dcat:Distribution of a conversion (csv, json, xlsx)
    <base>datasets/<id>/#package             dcat:Distribution of the zipped Data Package
    <base>agencies/<id>/#agency              foaf:Agent (publisher)
    <base>topics/<id>/#topic                 skos:Concept of the portal's own topics (beside the EU theme)

EU vocabularies (data theme, frequency, file type, language, country, access
right, availability, licence) are used by their authority IRIs and described
in the graph (skos:Concept with Vietnamese and English labels), which range.ttl
needs to see their classes.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from generator.problems import Problem
from generator.publish.harvest.dcat.graph import Published, catalog_graph, catalog_triples, dataset_triples, iri
from generator.publish.harvest.dcat.serialise import jsonld, turtle, write
from generator.publish.harvest.dcat.shacl import SHAPE_FILES, Verdict, check, check_published, shapes

if TYPE_CHECKING:
    from generator.publish.harvest import Job

OWN_CORES = True  # pySHACL runs in parts over the cores
CHUNK = 100  # datasets per pySHACL run


def publish(job: "Job") -> tuple[list[Problem], list[Problem]]:
    """Write DCAT-AP (each dataset's serialised parts from the build cache when it holds them); check the
    datasets whose Turtle the cache does not hold as checked and that changed since the last good site
    (datasets share no constraint; the catalogue node is always checked)."""
    from generator.build.cache import Parts

    cache = job.cache
    parts = job.parts("dcat-datasets")
    published = write(job.portfolio, job.site, job.downloads, job.periods, parts,
                      {d.id: job.part_key("dcat-dataset", d.id) for d in job.portfolio.datasets})
    parts.save()
    checked = Parts(cache, "dcat-shacl") if cache is not None else None
    marks = {i: cache.key("shacl", published.turtle_sha256[i]) for i in published.datasets} if cache is not None else {}
    unknown = [i for i in published.datasets if checked is None or checked.get(marks[i]) is None]
    unchecked = published.changed_since(job.previous, job.site, unknown)
    # Nothing but the catalogue node to check: its verdict kept by what the node says (no pySHACL to start).
    alone = cache.key("shacl-catalogue", hashlib.sha256(turtle(published.catalog_page([]))).hexdigest()) \
        if cache is not None and not unchecked else ""
    kept = checked.get(alone) if alone else None
    verdict = Verdict(True, "", int(kept)) if isinstance(kept, int) else check_published(published, unchecked, CHUNK)
    errors, warnings = [], []
    if verdict.conforms and checked is not None:
        for i in unchecked:
            checked.put(marks[i], "conforms")
        if alone:
            checked.put(alone, verdict.advice)
        checked.save()
    if not verdict.conforms:
        errors.append(Problem("site/dcat/catalog.ttl", "siêu dữ liệu DCAT-AP không đạt các ràng buộc bắt buộc.",
                              f"the DCAT-AP metadata violates the mandatory shapes:\n{verdict.report[:4000]}",
                              code="dcat-ap"))
    if verdict.advice:
        warnings.append(Problem("site/dcat/catalog.ttl",
                                f"DCAT-AP: {verdict.advice} khuyến nghị chưa đạt (shapes_recommended.ttl), "
                                "ví dụ thiếu phạm vi thời gian.",
                                f"DCAT-AP: {verdict.advice} recommended properties missing (shapes_recommended.ttl), "
                                "e.g. no temporal coverage.", severity="warning", code="dcat-ap-recommended"))
    return errors, warnings

__all__ = ["CHUNK", "OWN_CORES", "Published", "SHAPE_FILES", "Verdict", "catalog_graph", "catalog_triples", "check", "check_published",
           "dataset_triples", "iri", "jsonld", "publish", "shapes", "turtle", "write"]
