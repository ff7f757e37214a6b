"""Turtle and JSON-LD written directly, in sorted order, so one commit always gives the same bytes.

rdflib's serialisers took 40 s for a 1,000-dataset portal; these write the same RDF (the tests
parse both files back with rdflib and compare them with the graph). Every node is an IRI or a
literal: there are no blank nodes.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

from rdflib import Literal, URIRef

from generator.portal.model import Portfolio
from generator.publish import urls
from generator.publish.downloads.records import Downloads, found
from generator.publish.harvest.dcat.graph import Published, Triples, catalog_triples
from generator.publish.harvest.dcat.vocabulary import HYDRA, PREFIXES, RDF_TYPE, XSD

_PREFIXED = sorted(((str(ns), prefix) for prefix, ns in PREFIXES.items()), key=lambda x: -len(x[0]))
_LOCAL = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


@lru_cache(maxsize=1 << 20)
def _curie(ref: str) -> str | None:
    for ns, prefix in _PREFIXED:
        if ref.startswith(ns) and _LOCAL.match(ref[len(ns):]):
            return f"{prefix}:{ref[len(ns):]}"
    return None


@lru_cache(maxsize=1 << 20)
def _ttl_iri(ref: str) -> str:
    return _curie(ref) or f"<{ref}>"


def _ttl_term(term: Any) -> str:
    if isinstance(term, URIRef):
        return _ttl_iri(str(term))
    text = str(term)
    if _ESCAPE.search(text):
        text = _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(0), f"\\u{ord(m.group(0)):04X}"), text)
    if term.language:
        return f'"{text}"@{term.language}'
    if term.datatype:
        return f'"{text}"^^{_ttl_term(term.datatype)}'
    return f'"{text}"'


def _order(term: Any) -> tuple:
    if isinstance(term, URIRef):
        return (0, str(term), "")
    return (1, str(term), term.language or str(term.datatype or ""))


Grouped = dict[URIRef, dict[URIRef, list[Any]]]


def _group(triples: Iterable[tuple[URIRef, URIRef, Any]]) -> Grouped:
    subjects: Grouped = {}
    for s, pred, o in triples:
        subjects.setdefault(s, {}).setdefault(pred, []).append(o)
    return subjects


def _sorted_preds(preds: dict[URIRef, list[Any]]) -> list[tuple[URIRef, list[Any]]]:
    return [(pred, sorted(objs, key=_order))
            for pred, objs in sorted(preds.items(), key=lambda po: (po[0] != RDF_TYPE, str(po[0])))]


def _ttl_block(s: URIRef, preds: dict[URIRef, list[Any]]) -> str:
    body = " ;\n    ".join(("a" if pred == RDF_TYPE else _ttl_term(pred)) + " " +
                           ",\n        ".join(_ttl_term(o) for o in objs) for pred, objs in _sorted_preds(preds))
    return f"\n\n{_ttl_term(s)} {body} ."


def _jsonld_block(s: URIRef, preds: dict[URIRef, list[Any]]) -> str:
    node: dict[str, Any] = {"@id": str(s)}
    for pred, objs in _sorted_preds(preds):
        if pred == RDF_TYPE:
            node["@type"] = [_curie(str(o)) or str(o) for o in objs]
        else:
            node[_curie(str(pred)) or str(pred)] = [_jsonld_value(o) for o in objs]
    # One node per line: readable, and json's fast encoder (indent= would use the slow one).
    return json.dumps(node, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_TTL_HEAD = "\n".join(f"@prefix {prefix}: <{ns}> ." for prefix, ns in sorted(PREFIXES.items()))
_JSONLD_HEAD = '{"@context":' + json.dumps({prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())},
                                           separators=(",", ":")) + ',\n"@graph":[\n'


def _turtle_text(blocks: list[str]) -> bytes:
    return (_TTL_HEAD + "".join(blocks) + "\n").encode("utf-8")


def _jsonld_text(blocks: list[str]) -> bytes:
    return (_JSONLD_HEAD + ",\n".join(blocks) + "\n]}\n").encode("utf-8")


def turtle(triples: Triples) -> bytes:
    g = _group(triples)
    return _turtle_text([_ttl_block(s, g[s]) for s in sorted(g, key=str)])


def _jsonld_value(term: Any) -> Any:
    if isinstance(term, URIRef):
        return {"@id": str(term)}
    if term.language:
        return {"@value": str(term), "@language": term.language}
    if term.datatype:
        return {"@value": str(term), "@type": _curie(str(term.datatype)) or str(term.datatype)}
    return str(term)


def jsonld(triples: Triples) -> bytes:
    g = _group(triples)
    return _jsonld_text([_jsonld_block(s, g[s]) for s in sorted(g, key=str)])


Part = list[list[str]]  # one dataset serialised: [subject, Turtle block, JSON-LD block] per subject, sorted


class _Blocks:
    """Turtle and JSON-LD blocks made once per build for each subject and set of triples about it: the nodes
    many datasets share (an agency, a concept) are written once, however many files show them."""

    def __init__(self) -> None:
        self.made: dict[tuple[URIRef, frozenset], tuple[str, str]] = {}

    def of(self, s: URIRef, preds: dict[URIRef, list[Any]]) -> tuple[str, str]:
        mark = (s, frozenset((pred, o) for pred, objs in preds.items() for o in objs))
        if mark not in self.made:
            self.made[mark] = (_ttl_block(s, preds), _jsonld_block(s, preds))
        return self.made[mark]

    def part(self, triples: Triples) -> Part:
        g = _group(triples)
        return [[str(s), *self.of(s, g[s])] for s in sorted(g, key=str)]


def _valid(part: Any) -> bool:
    return isinstance(part, list) and all(isinstance(x, list) and len(x) == 3 and all(isinstance(v, str) for v in x)
                                          for x in part)


def write(p: Portfolio, site: Path, downloads: Downloads | None = None,
          periods: dict[str, tuple[str, str]] | None = None, parts: Any = None, marks: dict[str, str] | None = None
          ) -> Published:
    """Write the catalogue and each dataset in Turtle and JSON-LD; return the triples (for `check`).

    `parts` (build.cache.Parts): each dataset's serialised blocks from earlier builds, by the hash of what
    it depends on (`marks`: dataset id -> harvest.Job.part_key); the datasets not found there are described,
    serialised and kept. The catalogue's pages are put together from the datasets' blocks: a subject
    several datasets describe alike is written once, one they describe differently (none today) from the
    union of their triples.
    """
    from generator.build.staging import write_file

    downloads = found(p, site) if downloads is None else downloads
    published = catalog_triples(p, downloads, periods)
    keep = parts is not None and marks is not None
    (site / "dcat" / "datasets").mkdir(parents=True, exist_ok=True)
    # Page by page (sorted by id, as the datasets are): only one page's parts are held at a time.
    ids = sorted(published.datasets)
    pages = [ids[i:i + PAGE_SIZE] for i in range(0, len(ids), PAGE_SIZE)] or [[]]
    if len(pages) > 1:
        (site / "dcat" / "catalog").mkdir(parents=True, exist_ok=True)
    for number, page in enumerate(pages, 1):
        made = _Blocks()  # the nodes the page's datasets share, serialised once
        serialised: dict[str, Part] = {}
        for dataset_id in page:
            part = parts.get(marks[dataset_id]) if keep else None
            if not _valid(part):
                part = made.part(published.datasets[dataset_id])
                if keep:
                    parts.put(marks[dataset_id], part)
            serialised[dataset_id] = part
            ttl = _turtle_text([x[1] for x in part])
            published.turtle_sha256[dataset_id] = hashlib.sha256(ttl).hexdigest()
            write_file(site / urls.dcat_dataset(dataset_id, "ttl"), ttl)
            write_file(site / urls.dcat_dataset(dataset_id, "jsonld"), _jsonld_text([x[2] for x in part]))
        ttl_blocks, js_blocks = _page_blocks(published, page, serialised, made)
        ttl_blocks.append(_ttl_block(*_paging(p, number, len(pages), len(ids), "ttl")))
        js_blocks.append(_jsonld_block(*_paging(p, number, len(pages), len(ids), "jsonld")))
        write_file(site / urls.dcat_catalog_page(number, "ttl"), _turtle_text(ttl_blocks))
        write_file(site / urls.dcat_catalog_page(number, "jsonld"), _jsonld_text(js_blocks))
    return published


def _page_blocks(published: Published, page: list[str], serialised: dict[str, Part], made: _Blocks
                 ) -> tuple[list[str], list[str]]:
    """One catalogue page's blocks, sorted by subject: what serialising the page's triples gives."""
    blocks: dict[str, tuple[str, str]] = {}
    differ: set[str] = set()
    for s, ttl, js in made.part(published.catalog_page(page)) + [x for i in page for x in serialised[i]]:
        old = blocks.setdefault(s, (ttl, js))
        if old != (ttl, js):
            differ.add(s)
    if differ:  # described differently by two parts: the union of their triples about it
        union = {t for t in published.catalog_page(page) if str(t[0]) in differ}
        for i in page:
            if any(x[0] in differ for x in serialised[i]):
                union |= {t for t in published.datasets[i] if str(t[0]) in differ}
        g = _group(union)
        for s in g:
            blocks[str(s)] = (_ttl_block(s, g[s]), _jsonld_block(s, g[s]))
    order = sorted(blocks)
    return [blocks[s][0] for s in order], [blocks[s][1] for s in order]


PAGE_SIZE = 100  # datasets per catalogue page, as ckanext-dcat serves its catalogue endpoints


def _paging(p: Portfolio, number: int, count: int, total: int, ext: str) -> tuple[URIRef, dict[URIRef, list[Any]]]:
    """The Hydra node of one catalogue page (ckanext-dcat's shape: the current and deprecated names both)."""
    base = p.catalog.portal.base_url

    def page(n: int) -> URIRef:
        return URIRef(base + urls.dcat_catalog_page(n, ext))

    preds: dict[URIRef, list[Any]] = {
        RDF_TYPE: [HYDRA.PagedCollection], HYDRA.first: [page(1)], HYDRA.firstPage: [page(1)],
        HYDRA.last: [page(count)], HYDRA.lastPage: [page(count)],
        HYDRA.totalItems: [Literal(total, datatype=XSD.integer)],
        HYDRA.itemsPerPage: [Literal(PAGE_SIZE, datatype=XSD.integer)]}
    if number < count:
        preds[HYDRA.next] = preds[HYDRA.nextPage] = [page(number + 1)]
    if number > 1:
        preds[HYDRA.previous] = preds[HYDRA.previousPage] = [page(number - 1)]
    return page(number), preds

