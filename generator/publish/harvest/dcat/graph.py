"""The portal as DCAT-AP triples: the catalogue, each dataset and every node they refer to (no blank nodes)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef

from generator.portal import units
from generator.portal.model import Dataset, Licence, Portfolio, Resource
from generator.publish import urls
from generator.publish.downloads.records import Download, Downloads
from generator.publish.harvest import licences
from generator.publish.harvest.temporal import coverage
from generator.publish.harvest.dcat.vocabulary import ADMS, DATE, DCAT, DCATAP, DCTERMS, EU, EU_LICENCES, FOAF, IANA, IRI_BAD, LANGUAGES, LICENCE_TYPE, LICENCE_TYPE_LABELS, LICENCE_TYPES, LOCN, MEDIA_TYPE, PREFIXES, PUBLISHER_TYPE, PUBLISHER_TYPE_LABELS, PUBLISHER_TYPES, RDF, RDFS, SCHEMES, SKOS, SPDX, THEMES, VCARD, XSD


# The DCAT-AP vocabulary shape (mdr-vocabularies.shape.ttl) wants SPDX's algorithms by their https IRIs.
SHA256 = URIRef("https://spdx.org/rdf/terms#checksumAlgorithm_sha256")


class _Builder:
    """Adds triples for one portal to a graph; concepts are described once per graph."""

    def __init__(self, p: Portfolio, periods: dict[str, tuple[str, str]] | None = None):
        self.p = p
        self.periods = periods or {}
        self.triples: Triples = set()
        self.base = p.catalog.portal.base_url
        self.described: set[URIRef] = set()

    def add(self, s: URIRef, pred: URIRef, o: Any) -> None:
        self.triples.add((s, pred, o))

    def texts(self, s: URIRef, pred: URIRef, vi: str, en: str = "") -> None:
        if vi:
            self.add(s, pred, _text(vi, "vi"))
        if en:
            self.add(s, pred, _text(en, "en"))

    # --- vocabularies -------------------------------------------------------------------------

    def scheme(self, iri: str) -> URIRef:
        ref = URIRef(iri)
        if ref not in self.described:
            self.described.add(ref)
            self.add(ref, RDF.type, SKOS.ConceptScheme)
            vi, en = SCHEMES[iri]
            self.texts(ref, DCTERMS.title, vi, en)
        return ref

    def concept(self, iri: str, vi: str, en: str, scheme: str, *types: URIRef) -> URIRef:
        ref = URIRef(iri)
        if ref not in self.described:
            self.described.add(ref)
            for t in (SKOS.Concept, *types):
                self.add(ref, RDF.type, t)
            self.texts(ref, SKOS.prefLabel, vi, en)
            self.add(ref, SKOS.inScheme, self.scheme(scheme))
        return ref

    def theme(self, code: str, fallback: tuple[str, str]) -> URIRef:
        vi, en = THEMES.get(code, fallback)
        return self.concept(f"{EU}data-theme/{code}", vi, en, EU + "data-theme")

    def frequency(self, freq_id: str) -> URIRef | None:
        from generator.portal.vocabularies import FREQUENCIES

        f = FREQUENCIES.get(freq_id)
        return self.concept(f"{EU}frequency/{f.eu}", f.vi, f.en, EU + "frequency", DCTERMS.Frequency) if f else None

    def file_type(self, code: str) -> URIRef:
        return self.concept(f"{EU}file-type/{code}", code, code, EU + "file-type", DCTERMS.MediaTypeOrExtent)

    def language(self) -> URIRef | None:
        lang = LANGUAGES.get(self.p.catalog.portal.language)
        if lang is None:
            return None
        return self.concept(f"{EU}language/{lang[0]}", lang[1], lang[2], EU + "language", DCTERMS.LinguisticSystem)

    def country(self) -> URIRef:
        return self.concept(f"{EU}country/VNM", "Việt Nam", "Viet Nam", EU + "country", DCTERMS.Location)

    def public(self) -> URIRef:
        return self.concept(f"{EU}access-right/PUBLIC", "Công khai", "Public", EU + "access-right",
                            DCTERMS.RightsStatement)

    def stable(self) -> URIRef:
        return self.concept(f"{EU}planned-availability/STABLE", "Ổn định", "Stable", EU + "planned-availability")

    def media_type(self, mediatype: str) -> URIRef | None:
        if not MEDIA_TYPE.match(mediatype or ""):
            return None
        ref = URIRef(IANA + mediatype)
        if ref not in self.described:
            self.described.add(ref)
            self.add(ref, RDF.type, DCTERMS.MediaType)
        return ref

    def licence(self, licence: Licence) -> URIRef:
        code = EU_LICENCES.get(licence.id)
        ref = URIRef(f"{EU}licence/{code}") if code else iri(licence.url)
        if ref not in self.described:
            self.described.add(ref)
            self.add(ref, RDF.type, DCTERMS.LicenseDocument)
            entry = licences.entry(licence.id)
            if entry.url:
                self.texts(ref, DCTERMS.title, licence.title, licence.title_en)
            else:  # CKAN's register has it only as a generic entry, which ckanext-dcat finds by its English title
                self.texts(ref, DCTERMS.title, licence.title, entry.title)
                self.texts(ref, DCTERMS.alternative, "", licence.title_en)
            self.add(ref, DCTERMS.identifier, Literal(licence.id))
            if code:  # the EU IRI identifies it; the licence's own page stays one link away
                self.add(ref, RDFS.seeAlso, iri(licence.url))
            kind = LICENCE_TYPES.get(licence.id)
            if kind:
                vi, en = LICENCE_TYPE_LABELS[kind]
                self.add(ref, DCTERMS.type, self.concept(LICENCE_TYPE + kind, vi, en, LICENCE_TYPE + "1.0"))
        return ref

    def distribution_licence(self, licence: Licence) -> URIRef:
        """A distribution's licence as CKAN's licence register knows it (ckanext-dcat reads its id from
        the URI, else from the English title), with the EU authority's IRI and the licence's page beside."""
        entry = licences.entry(licence.id)
        if not entry.url:  # a generic entry of the register (other-at...): found by its title
            return self.licence(licence)
        ref = URIRef(entry.url)
        if ref not in self.described:
            self.described.add(ref)
            self.add(ref, RDF.type, DCTERMS.LicenseDocument)
            self.texts(ref, DCTERMS.title, licence.title, licence.title_en)
            self.add(ref, DCTERMS.identifier, Literal(entry.id))
            self.add(ref, RDFS.seeAlso, self.licence(licence))
            self.add(ref, RDFS.seeAlso, iri(licence.url))
            kind = LICENCE_TYPES.get(licence.id)
            if kind:
                vi, en = LICENCE_TYPE_LABELS[kind]
                self.add(ref, DCTERMS.type, self.concept(LICENCE_TYPE + kind, vi, en, LICENCE_TYPE + "1.0"))
        return ref

    def document(self, url: str) -> URIRef:
        ref = URIRef(url)
        self.add(ref, RDF.type, FOAF.Document)
        return ref

    # --- the portal's own things ----------------------------------------------------------------

    def agency(self, agency_id: str) -> URIRef:
        ref = URIRef(f"{self.base}agencies/{agency_id}/#agency")
        if ref not in self.described:
            self.described.add(ref)
            a = self.p.catalog.agencies[agency_id]
            self.add(ref, RDF.type, FOAF.Agent)
            self.add(ref, RDF.type, FOAF.Organization)
            self.texts(ref, FOAF.name, a.name, a.name_en)
            if a.email:
                self.add(ref, FOAF.mbox, iri(f"mailto:{a.email}"))
            if a.website:
                self.add(ref, FOAF.homepage, iri(a.website))
            kind = PUBLISHER_TYPES.get(a.kind, "RegionalAuthority")
            vi, en = PUBLISHER_TYPE_LABELS[kind]
            self.add(ref, DCTERMS.type, self.concept(PUBLISHER_TYPE + kind, vi, en, PUBLISHER_TYPE + "1.0"))
        return ref

    def topics_scheme(self) -> URIRef:
        ref = URIRef(f"{self.base}topics/#scheme")
        if ref not in self.described:
            self.described.add(ref)
            portal = self.p.catalog.portal
            self.add(ref, RDF.type, SKOS.ConceptScheme)
            self.texts(ref, DCTERMS.title, f"Chủ đề của {portal.name}", f"Topics of {portal.name_en or portal.name}")
        return ref

    def topic(self, topic_id: str) -> URIRef:
        ref = URIRef(f"{self.base}{urls.topic_page(topic_id)}#topic")
        if ref not in self.described:
            self.described.add(ref)
            t = self.p.catalog.topics[topic_id]
            self.add(ref, RDF.type, SKOS.Concept)
            self.texts(ref, SKOS.prefLabel, t.name, t.name_en)
            self.add(ref, SKOS.inScheme, self.topics_scheme())
        return ref

    # --- catalogue, datasets, distributions -----------------------------------------------------

    def catalog_node(self) -> URIRef:
        return URIRef(self.base + "#catalog")

    def catalog(self) -> URIRef:
        p, portal = self.p, self.p.catalog.portal
        c = self.catalog_node()
        self.add(c, RDF.type, DCAT.Catalog)
        self.texts(c, DCTERMS.title, portal.name, portal.name_en)
        self.texts(c, DCTERMS.description,
                   f"Các bộ dữ liệu mở do cơ quan nhà nước tỉnh {portal.province} công bố trên {portal.name}"
                   + (f" theo Quyết định số {portal.regulation['code']}." if portal.regulation.get("code") else "."),
                   f"Open datasets published by the public bodies of {portal.province} province on "
                   f"{portal.name_en or portal.name}.")
        self.add(c, DCTERMS.publisher, self.agency(portal.operator))
        self.add(c, FOAF.homepage, self.document(self.base))
        lang = self.language()
        if lang is not None:
            self.add(c, DCTERMS.language, lang)
        if portal.default_licence in p.catalog.licences:
            self.add(c, DCTERMS.license, self.licence(p.catalog.licences[portal.default_licence]))
        issued = min((d.created for d in p.datasets if d.created), default=p.commit_time)
        self.add(c, DCTERMS.issued, _datetime(issued))
        self.add(c, DCTERMS.modified, _datetime(p.commit_time))
        self.add(c, DCAT.themeTaxonomy, self.scheme(EU + "data-theme"))
        self.add(c, DCAT.themeTaxonomy, self.topics_scheme())
        self.add(c, DCTERMS.spatial, self.country())
        return c

    def dataset(self, d: Dataset, extra: list[Download]) -> URIRef:
        p = self.p
        page = self.base + urls.dataset_page(d.id)
        ds = URIRef(page + "#dataset")
        entry = p.catalog.entries[d.catalogue]
        topic = p.catalog.topics[entry.topic]
        self.add(ds, RDF.type, DCAT.Dataset)
        self.add(ds, DCTERMS.identifier, Literal(d.id))
        self.texts(ds, DCTERMS.title, d.title, d.title_en)
        self.texts(ds, DCTERMS.description, d.description.strip() or d.title,
                   d.description_en.strip() or (d.title_en if not d.description.strip() else ""))
        for k in d.keywords:
            self.add(ds, DCAT.keyword, _text(k, "vi"))
        self.add(ds, DCAT.theme, self.theme(topic.theme, (topic.name, topic.name_en)))
        self.add(ds, DCAT.theme, self.topic(topic.id))
        freq = self.frequency(d.frequency or entry.frequency)
        if freq is not None:
            self.add(ds, DCTERMS.accrualPeriodicity, freq)
        lang = self.language()
        if lang is not None:
            self.add(ds, DCTERMS.language, lang)
        self.add(ds, DCTERMS.publisher, self.agency(d.agency))
        self.add(ds, DCAT.contactPoint, self.contact(d, page))
        self.add(ds, DCAT.landingPage, self.document(page))
        self.add(ds, DCTERMS.accessRights, self.public())
        if d.created:
            self.add(ds, DCTERMS.issued, _datetime(d.created))
        if d.modified:
            self.add(ds, DCTERMS.modified, _datetime(d.modified))
        code = URIRef(page + "#catalogue-code")  # the approved catalogue entry this dataset fulfils
        self.add(code, RDF.type, ADMS.Identifier)
        self.add(code, SKOS.notation, Literal(d.catalogue))
        self.texts(code, RDFS.label, f"Mã danh mục dữ liệu mở: {d.catalogue}", f"Open data catalogue code: {d.catalogue}")
        self.add(ds, ADMS.identifier, code)
        self.add(ds, DCTERMS.spatial, self.country())
        # Administrative units: the same codes and stable URIs as the pages and the look-up (portal.units).
        places = units.coverage(d, self.base)
        for unit in places:
            place = URIRef(unit.uri)
            self.add(place, RDF.type, DCTERMS.Location)
            self.add(place, LOCN.geographicName, Literal(unit.name, lang="vi"))
            self.add(place, SKOS.prefLabel, Literal(unit.label_vi, lang="vi"))
            self.add(place, SKOS.prefLabel, Literal(unit.label_en, lang="en"))
            if unit.code:
                self.add(place, SKOS.notation, Literal(unit.code))
            self.add(ds, DCTERMS.spatial, place)
        if d.spatial and not places:
            place = URIRef(page + "#spatial")
            self.add(place, RDF.type, DCTERMS.Location)
            self.add(place, LOCN.geographicName, Literal(d.spatial, lang="vi"))
            self.add(ds, DCTERMS.spatial, place)
        period = self.period(d, page)
        if period is not None:
            self.add(ds, DCTERMS.temporal, period)
        licence = p.catalog.licences.get(d.licence)
        for r in d.resources:
            self.add(ds, DCAT.distribution, self.distribution(d, r, page, licence))
        for item in extra:
            self.add(ds, DCAT.distribution, self.derived(d, item, page, licence))
        return ds

    def contact(self, d: Dataset, page: str) -> URIRef:
        agency = self.p.catalog.agencies[d.agency]
        ref = URIRef(page + "#contact")
        self.add(ref, RDF.type, VCARD.Kind)
        self.add(ref, RDF.type, VCARD.Organization)
        self.add(ref, VCARD.fn, Literal(d.contact.get("name") or agency.name, lang="vi"))
        email = d.contact.get("email") or agency.email
        if email:
            self.add(ref, VCARD.hasEmail, iri(f"mailto:{email}"))
        phone = re.sub(r"[^0-9+]", "", d.contact.get("phone", ""))
        if phone:
            self.add(ref, VCARD.hasTelephone, URIRef(f"tel:{phone}"))
        return ref

    def period(self, d: Dataset, page: str) -> URIRef | None:
        start, end = coverage(d, self.periods)
        if not (DATE.match(start) or DATE.match(end)):
            return None
        ref = URIRef(page + "#temporal")
        self.add(ref, RDF.type, DCTERMS.PeriodOfTime)
        if DATE.match(start):
            self.add(ref, DCAT.startDate, Literal(start, datatype=XSD.date))
        if DATE.match(end):
            self.add(ref, DCAT.endDate, Literal(end, datatype=XSD.date))
        return ref

    def _common(self, dist: URIRef, d: Dataset, licence: Licence | None) -> None:
        self.add(dist, RDF.type, DCAT.Distribution)
        self.add(dist, DCATAP.availability, self.stable())
        if licence is not None:
            self.add(dist, DCTERMS.license, self.distribution_licence(licence))

    def _file(self, dist: URIRef, url: str, size: int | None, sha256: str | None) -> None:
        self.add(dist, DCAT.accessURL, iri(url))
        self.add(dist, DCAT.downloadURL, iri(url))
        if size is not None:
            self.add(dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger))
        if sha256:
            checksum = URIRef(f"{dist}-sha256")
            self.add(checksum, RDF.type, SPDX.Checksum)
            self.add(checksum, SPDX.algorithm, SHA256)
            self.add(SHA256, RDF.type, SPDX.ChecksumAlgorithm)
            self.add(checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary))
            self.add(dist, SPDX.checksum, checksum)

    def distribution(self, d: Dataset, r: Resource, page: str, licence: Licence | None) -> URIRef:
        dist = URIRef(f"{page}#{r.name}")
        self._common(dist, d, licence)
        self.texts(dist, DCTERMS.title, r.title)
        self.texts(dist, DCTERMS.description, r.description.strip() or f"{r.title} ({r.format_info.label})")
        self.add(dist, DCTERMS.format, self.file_type(r.format_info.eu))
        if r.is_api:
            self.add(dist, DCAT.accessURL, iri(r.path))
        else:
            self._file(dist, self.base + urls.resource_href(d, r), r.size, r.sha256)
        media = self.media_type(r.mediatype)
        if media is not None:
            self.add(dist, DCAT.mediaType, media)
        return dist

    def derived(self, d: Dataset, item: Download, page: str, licence: Licence | None) -> URIRef:
        dist = URIRef(f"{page}#{item.resource}-{item.format}" if item.resource else f"{page}#package")
        self._common(dist, d, licence)
        self.texts(dist, DCTERMS.title, item.title, item.title_en)
        self.texts(dist, DCTERMS.description, item.title, item.title_en)
        self.add(dist, DCTERMS.format, self.file_type(item.eu))
        self._file(dist, self.base + item.path, item.size, item.sha256)
        media = self.media_type(item.mediatype)
        if media is not None:
            self.add(dist, DCAT.mediaType, media)
        return dist


@lru_cache(maxsize=1 << 16)
def _text(value: str, lang: str) -> Literal:
    # Literals are immutable and rdflib is slow to make them: the labels every dataset repeats are made once.
    return Literal(value, lang=lang)


@lru_cache(maxsize=1 << 16)
def _datetime(iso: str) -> Literal:
    return Literal(iso, datatype=XSD.dateTime)


def iri(value: str) -> URIRef:
    """An IRI Turtle and JSON-LD can both carry: characters IRIs may not hold are percent-encoded."""
    return URIRef(IRI_BAD.sub(lambda m: quote(m.group(0), safe=""), value))


Triples = set[tuple[URIRef, URIRef, Any]]


def dataset_triples(p: Portfolio, d: Dataset, extra: list[Download] | None = None,
                    periods: dict[str, tuple[str, str]] | None = None) -> Triples:
    """One dataset with its distributions and every node they refer to (publisher, contact, concepts)."""
    b = _Builder(p, periods)
    b.dataset(d, extra or [])
    return b.triples


def datasets_triples(p: Portfolio, datasets: Iterable[Dataset],
                     periods: dict[str, tuple[str, str]] | None = None) -> Triples:
    """Several datasets' descriptions in one set of triples, the nodes they share described once."""
    b = _Builder(p, periods)
    for d in datasets:
        b.dataset(d, [])
    return b.triples


class DatasetTriples(Mapping):
    """Each dataset's triples (dataset id -> Triples), made each time they are asked for and not kept: a
    build that writes the files from cached serialised parts asks only for the datasets it checks, and the
    whole catalogue's triples are never held at once (the shape checks make each part's in their worker)."""

    def __init__(self, p: Portfolio, downloads: Downloads | None, periods: dict[str, tuple[str, str]] | None):
        self.p, self.downloads, self.periods = p, downloads or {}, periods
        self._datasets = {d.id: d for d in sorted(p.datasets, key=lambda d: d.id)}
        self.made = 0  # datasets described so far

    def __getitem__(self, dataset_id: str) -> Triples:
        d = self._datasets[dataset_id]
        self.made += 1
        return dataset_triples(self.p, d, self.downloads.get(d.id, []), self.periods)

    def __iter__(self) -> Iterator[str]:
        return iter(self._datasets)

    def __len__(self) -> int:
        return len(self._datasets)


@dataclass
class Published:
    """What `write` published: the catalogue's own triples and each dataset's (with the nodes it refers to)."""

    catalog: Triples
    datasets: Mapping[str, Triples]
    _pages: dict[str, str]  # dataset id -> its page URL (the dataset node is <page>#dataset)
    turtle_sha256: dict[str, str] = field(default_factory=dict)  # dataset id -> sha256 of its published Turtle

    def graph(self, only: Iterable[str] | None = None) -> Graph:
        """The catalogue as an rdflib Graph, for `check`.

        `only`: just these datasets (those that changed, see `changed_since`);
        the catalogue then links only them. Datasets share no constraint, so
        this conforms exactly when the whole catalogue would, at the cost of
        what changed.
        """
        g = _graph()
        g += self.page(list(self.datasets) if only is None else list(only))
        return g

    def catalog_page(self, only: list[str]) -> Triples:
        """The catalogue's own triples on one page: its node linking only these datasets."""
        keep = set(only)
        links = {URIRef(f"{base}#dataset"): dataset_id for dataset_id, base in self._pages.items()}
        return {t for t in self.catalog if t[1] != DCAT.dataset or links.get(t[2]) in keep}

    def page(self, only: list[str]) -> Triples:
        """The triples of one catalogue page: the catalogue node linking these datasets, and theirs."""
        out = self.catalog_page(only)
        for dataset_id in only:
            out |= self.datasets[dataset_id]
        return out

    def changed_since(self, previous_site: Path | None, site: Path, among: Iterable[str] | None = None) -> list[str]:
        """Datasets (of `among`, default all) whose published Turtle differs from the last good site's (all
        when there is none)."""
        changed = []
        for dataset_id in self.datasets if among is None else among:
            rel = urls.dcat_dataset(dataset_id, "ttl")
            old = previous_site / rel if previous_site else None
            if old is None or not old.is_file() or old.read_bytes() != (site / rel).read_bytes():
                changed.append(dataset_id)
        return changed


def catalog_triples(p: Portfolio, downloads: Downloads | None = None,
                    periods: dict[str, tuple[str, str]] | None = None) -> Published:
    b = _Builder(p, periods)
    c = b.catalog()
    for d in sorted(p.datasets, key=lambda d: d.id):
        b.add(c, DCAT.dataset, URIRef(b.base + urls.dataset_page(d.id) + "#dataset"))
    return Published(b.triples, DatasetTriples(p, downloads, periods),
                     {d.id: b.base + urls.dataset_page(d.id) for d in p.datasets})


def catalog_graph(p: Portfolio, downloads: Downloads | None = None) -> Graph:
    return catalog_triples(p, downloads).graph()


def _graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, Namespace(str(ns)))
    return g

