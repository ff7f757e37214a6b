"""The official DCAT-AP 3 shapes (generator/standards/dcat-ap-3.0.1) run with pySHACL, in parts over the cores."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph

from generator.publish.harvest.dcat.graph import Published
from generator.publish.harvest.dcat.vocabulary import RDF_TYPE, SHAPES_DIR, Terms

SHAPE_FILES = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl")
SH = Terms("http://www.w3.org/ns/shacl#")


@lru_cache(maxsize=None)
def shapes(name: str) -> Graph:
    return Graph().parse(SHAPES_DIR / name, format="turtle")


def _validate(g: Graph, name: str) -> tuple[bool, str, int, int]:
    conforms, text, violations, warnings, _ = _run_shapes(g, name)
    return conforms, text, violations, warnings


def _run_shapes(g: Graph, name: str) -> tuple[bool, str, int, int, Graph]:
    from pyshacl import validate

    conforms, results, text = validate(g, shacl_graph=shapes(name), inference="none", allow_warnings=True)
    severities = list(results.objects(None, SH.resultSeverity))
    violations = sum(1 for s in severities if s == SH.Violation)
    warnings = len(severities) - violations
    return violations == 0, text, violations, warnings, results


def check(g: Graph) -> tuple[bool, str]:
    """The mandatory DCAT-AP shapes and the class ranges: (conforms, pyshacl's report). A violation fails the build."""
    ok, texts = True, []
    for name in ("shapes.ttl", "range.ttl"):
        conforms, text, violations, _ = _validate(g, name)
        ok = ok and conforms
        if not conforms:
            texts.append(f"DCAT-AP {name}: {violations} violation(s)\n{text}")
    return ok, "\n".join(texts)


@dataclass
class Verdict:
    """The mandatory and recommended shapes' verdict on a whole catalogue, made from the verdicts on its parts."""

    conforms: bool
    report: str  # pyshacl's report of the parts that violate the mandatory shapes
    advice: int  # recommended-shape results, each counted once


def _part(g: Graph) -> tuple[bool, str, set[frozenset]]:
    ok, text = check(g)
    results = _run_shapes(g, "shapes_recommended.ttl")[4]
    # A result is told by everything pyshacl says of it (focus node, path, value, shape, message...): the
    # catalogue's own node and the shared concepts are in every part, and are counted once.
    found = {frozenset((str(p), str(o)) for p, o in results.predicate_objects(r))
             for r in results.subjects(RDF_TYPE, SH.ValidationResult)}
    return ok, text, found


def check_published(published: Published, only: list[str], size: int = 100) -> Verdict:
    """The mandatory and the recommended shapes over the catalogue node and the datasets `only`, in parts
    of `size` datasets spread over the cores (pySHACL's time grows faster than the graph).

    Datasets share no constraint, so the parts conform exactly when the whole does; the recommended
    results are the union of the parts'.
    """
    from generator.build import parallel

    for name in SHAPE_FILES:  # parsed before the workers fork: every part names a shape's blank nodes alike
        shapes(name)
    parts = parallel.map_chunks(lambda ids: _part(published.graph(only=ids)), only, size) if only \
        else [_part(published.graph(only=[]))]
    advice: set[frozenset] = set()
    for _, _, found in parts:
        advice |= found
    return Verdict(all(ok for ok, _, _ in parts), "\n".join(text for ok, text, _ in parts if not ok), len(advice))

