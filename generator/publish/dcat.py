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

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote

from rdflib import Graph, Literal, Namespace, URIRef

from ..model import Dataset, Licence, Portfolio, Resource
from ..portal import units
from . import urls
from .downloads import Download, Downloads, found

class Terms:
    """A vocabulary's IRIs as attributes (DCAT.distribution), each made once.

    rdflib's closed namespaces check every attribute access, which cost seconds
    at a thousand datasets; its plain Namespace is a str, so `DCTERMS.title`
    would be str.title.
    """

    def __init__(self, base: str):
        self._base = base

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("_"):
            raise AttributeError(name)
        ref = URIRef(self._base + name)
        setattr(self, name, ref)
        return ref

    def __str__(self) -> str:
        return self._base


DCAT = Terms("http://www.w3.org/ns/dcat#")
DCTERMS = Terms("http://purl.org/dc/terms/")
FOAF = Terms("http://xmlns.com/foaf/0.1/")
RDF = Terms("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Terms("http://www.w3.org/2000/01/rdf-schema#")
SKOS = Terms("http://www.w3.org/2004/02/skos/core#")
XSD = Terms("http://www.w3.org/2001/XMLSchema#")
ADMS = Terms("http://www.w3.org/ns/adms#")
SPDX = Terms("http://spdx.org/rdf/terms#")
DCATAP = Terms("http://data.europa.eu/r5r/")
LOCN = Terms("http://www.w3.org/ns/locn#")
VCARD = Terms("http://www.w3.org/2006/vcard/ns#")
RDF_TYPE = RDF.type
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
SHAPES_DIR = Path(__file__).resolve().parents[1] / "standards" / "dcat-ap-3.0.1"
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "rdfs": RDFS, "skos": SKOS, "vcard": VCARD, "xsd": XSD,
            "adms": ADMS, "spdx": SPDX, "dcatap": DCATAP, "locn": LOCN}
MEDIA_TYPE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]*/[a-z0-9][a-z0-9!#$&^_.+-]*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')

# EU data themes (authority/data-theme): Vietnamese and English labels.
THEMES: dict[str, tuple[str, str]] = {
    "AGRI": ("Nông nghiệp, thủy sản, lâm nghiệp và thực phẩm", "Agriculture, fisheries, forestry and food"),
    "ECON": ("Kinh tế và tài chính", "Economy and finance"),
    "EDUC": ("Giáo dục, văn hóa và thể thao", "Education, culture and sport"),
    "ENER": ("Năng lượng", "Energy"),
    "ENVI": ("Môi trường", "Environment"),
    "GOVE": ("Chính phủ và khu vực công", "Government and public sector"),
    "HEAL": ("Y tế", "Health"),
    "INTR": ("Các vấn đề quốc tế", "International issues"),
    "JUST": ("Tư pháp, hệ thống pháp luật và an toàn công cộng", "Justice, legal system and public safety"),
    "REGI": ("Vùng và đô thị", "Regions and cities"),
    "SOCI": ("Dân số và xã hội", "Population and society"),
    "TECH": ("Khoa học và công nghệ", "Science and technology"),
    "TRAN": ("Giao thông vận tải", "Transport"),
    "OP_DATPRO": ("Dữ liệu tạm thời", "Provisional data"),
}
# Licence ids of catalog/licences.yaml (SPDX-style) -> EU licence authority codes, where one exists.
EU_LICENCES = {"CC-BY-4.0": "CC_BY_4_0", "CC0-1.0": "CC0", "ODC-BY-1.0": "ODC_BY", "MIT": "MIT",
               "CC-BY-SA-4.0": "CC_BYSA_4_0", "ODbL-1.0": "ODC_BL", "PDDL-1.0": "ODC_PDDL", "OGL-UK-3.0": "OGL_3_0"}
LICENCE_TYPES = {"CC-BY-4.0": "Attribution", "ODC-BY-1.0": "Attribution", "MIT": "Attribution",
                 "CC0-1.0": "PublicDomain", "PDDL-1.0": "PublicDomain",
                 "CC-BY-SA-4.0": "ShareAlike", "ODbL-1.0": "ShareAlike", "OGL-UK-3.0": "Attribution"}
LICENCE_TYPE_LABELS = {"Attribution": ("Yêu cầu ghi công", "Attribution"),
                       "PublicDomain": ("Phạm vi công cộng", "Public domain"),
                       "ShareAlike": ("Chia sẻ tương tự", "Share-alike")}
LANGUAGES = {"vi": ("VIE", "Tiếng Việt", "Vietnamese"), "en": ("ENG", "Tiếng Anh", "English")}
# Agency kinds of catalog/agencies.yaml -> ADMS publisher type (a city's People's Committee is local).
PUBLISHER_TYPES = {"ubnd": "LocalAuthority"}
PUBLISHER_TYPE_LABELS = {"LocalAuthority": ("Chính quyền địa phương cấp huyện, xã", "Local authority"),
                         "RegionalAuthority": ("Cơ quan cấp tỉnh", "Regional authority")}
SCHEMES: dict[str, tuple[str, str]] = {  # IRI -> (vi, en) titles
    EU + "data-theme": ("Chủ đề dữ liệu (EU)", "Data theme"),
    EU + "frequency": ("Tần suất cập nhật (EU)", "Frequency"),
    EU + "file-type": ("Loại tệp (EU)", "File type"),
    EU + "language": ("Ngôn ngữ (EU)", "Language"),
    EU + "country": ("Quốc gia (EU)", "Country"),
    EU + "access-right": ("Quyền truy cập (EU)", "Access right"),
    EU + "planned-availability": ("Mức sẵn sàng (EU)", "Planned availability"),
    LICENCE_TYPE + "1.0": ("Loại giấy phép (ADMS)", "Licence type"),
    PUBLISHER_TYPE + "1.0": ("Loại cơ quan công bố (ADMS)", "Publisher type"),
}


class _Builder:
    """Adds triples for one portal to a graph; concepts are described once per graph."""

    def __init__(self, p: Portfolio):
        self.p = p
        self.triples: Triples = set()
        self.base = p.catalog.portal.base_url
        self.described: set[URIRef] = set()

    def add(self, s: URIRef, pred: URIRef, o: Any) -> None:
        self.triples.add((s, pred, o))

    def texts(self, s: URIRef, pred: URIRef, vi: str, en: str = "") -> None:
        if vi:
            self.add(s, pred, Literal(vi, lang="vi"))
        if en:
            self.add(s, pred, Literal(en, lang="en"))

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
        from ..vocabularies import FREQUENCIES

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
            self.texts(ref, DCTERMS.title, licence.title, licence.title_en)
            self.add(ref, DCTERMS.identifier, Literal(licence.id))
            if code:  # the EU IRI identifies it; the licence's own page stays one link away
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
        self.texts(ds, DCTERMS.description, d.description.strip() or d.title)
        for k in d.keywords:
            self.add(ds, DCAT.keyword, Literal(k, lang="vi"))
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
        # --- administrative units (generator/portal/units.py says what each one is called and its URI) ---
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
        # --- end of administrative units ---
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
        start, end = d.temporal.get("start", ""), d.temporal.get("end", "")
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
            self.add(dist, DCTERMS.license, self.licence(licence))

    def _file(self, dist: URIRef, url: str, size: int | None, sha256: str | None) -> None:
        self.add(dist, DCAT.accessURL, iri(url))
        self.add(dist, DCAT.downloadURL, iri(url))
        if size is not None:
            self.add(dist, DCAT.byteSize, Literal(size, datatype=XSD.nonNegativeInteger))
        if sha256:
            checksum = URIRef(f"{dist}-sha256")
            self.add(checksum, RDF.type, SPDX.Checksum)
            self.add(checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256)
            self.add(SPDX.checksumAlgorithm_sha256, RDF.type, SPDX.ChecksumAlgorithm)
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


def _datetime(iso: str) -> Literal:
    return Literal(iso, datatype=XSD.dateTime)


def iri(value: str) -> URIRef:
    """An IRI Turtle and JSON-LD can both carry: characters IRIs may not hold are percent-encoded."""
    return URIRef(IRI_BAD.sub(lambda m: quote(m.group(0), safe=""), value))


Triples = set[tuple[URIRef, URIRef, Any]]


def dataset_triples(p: Portfolio, d: Dataset, extra: list[Download] | None = None) -> Triples:
    """One dataset with its distributions and every node they refer to (publisher, contact, concepts)."""
    b = _Builder(p)
    b.dataset(d, extra or [])
    return b.triples


@dataclass
class Published:
    """What `write` published: the catalogue's own triples and each dataset's (with the nodes it refers to)."""

    catalog: Triples
    datasets: dict[str, Triples]
    _pages: dict[str, str]  # dataset id -> its page URL (the dataset node is <page>#dataset)

    def graph(self, only: Iterable[str] | None = None) -> Graph:
        """The catalogue as an rdflib Graph, for `check`.

        `only`: just these datasets (those that changed, see `changed_since`);
        the catalogue then links only them. Datasets share no constraint, so
        this conforms exactly when the whole catalogue would, at the cost of
        what changed.
        """
        keep = set(self.datasets) if only is None else set(only)
        links = {URIRef(f"{base}#dataset"): dataset_id for dataset_id, base in self._pages.items()}
        g = _graph()
        g += {t for t in self.catalog if t[1] != DCAT.dataset or links.get(t[2]) in keep}
        for dataset_id in keep:
            g += self.datasets[dataset_id]
        return g

    def changed_since(self, previous_site: Path | None, site: Path) -> list[str]:
        """Datasets whose published Turtle differs from the last good site's (all when there is none)."""
        changed = []
        for dataset_id in self.datasets:
            rel = urls.dcat_dataset(dataset_id, "ttl")
            old = previous_site / rel if previous_site else None
            if old is None or not old.is_file() or old.read_bytes() != (site / rel).read_bytes():
                changed.append(dataset_id)
        return changed


def catalog_triples(p: Portfolio, downloads: Downloads | None = None) -> Published:
    b = _Builder(p)
    c = b.catalog()
    datasets = {}
    for d in sorted(p.datasets, key=lambda d: d.id):
        datasets[d.id] = dataset_triples(p, d, (downloads or {}).get(d.id, []))
        b.add(c, DCAT.dataset, URIRef(b.base + urls.dataset_page(d.id) + "#dataset"))
    return Published(b.triples, datasets, {d.id: b.base + urls.dataset_page(d.id) for d in p.datasets})


def catalog_graph(p: Portfolio, downloads: Downloads | None = None) -> Graph:
    return catalog_triples(p, downloads).graph()


def _graph() -> Graph:
    g = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, Namespace(str(ns)))
    return g


# --- serialisation ---------------------------------------------------------------------------
# rdflib's serialisers took 40 s for a 1,000-dataset portal; these write the same RDF (the tests
# parse both files back with rdflib and compare them with the graph) in sorted order, so one
# commit always gives the same bytes. Every node is an IRI or a literal: there are no blank nodes.

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


class _Serialised:
    """Each subject of the whole catalogue written once, in Turtle and JSON-LD.

    A dataset's file shows every subject it has with all the triples the
    catalogue has about it (a concept, an agency, its own nodes), so its
    blocks are the catalogue's, made once and reused; a subject a dataset
    describes only in part (none today) is written on its own.
    """

    def __init__(self, everything: Triples):
        self.groups = _group(everything)
        self.sizes = {s: sum(map(len, preds.values())) for s, preds in self.groups.items()}
        self.ttl: dict[URIRef, str] = {}
        self.json: dict[URIRef, str] = {}

    def blocks(self, g: Grouped) -> tuple[list[str], list[str]]:
        ttl, js = [], []
        for s in sorted(g, key=str):
            preds = g[s]
            if sum(map(len, preds.values())) == self.sizes[s]:  # a subset as large as the whole: the same triples
                if s not in self.ttl:
                    self.ttl[s] = _ttl_block(s, self.groups[s])
                    self.json[s] = _jsonld_block(s, self.groups[s])
                ttl.append(self.ttl[s])
                js.append(self.json[s])
            else:
                ttl.append(_ttl_block(s, preds))
                js.append(_jsonld_block(s, preds))
        return ttl, js


def write(p: Portfolio, site: Path, downloads: Downloads | None = None) -> Published:
    """Write the catalogue and each dataset in Turtle and JSON-LD; return the triples (for `check`)."""
    published = catalog_triples(p, found(p, site) if downloads is None else downloads)
    everything: Triples = set(published.catalog)
    for triples in published.datasets.values():
        everything |= triples
    made = _Serialised(everything)
    (site / "dcat" / "datasets").mkdir(parents=True, exist_ok=True)
    for dataset_id, triples in published.datasets.items():
        ttl, js = made.blocks(_group(triples))
        (site / urls.dcat_dataset(dataset_id, "ttl")).write_bytes(_turtle_text(ttl))
        (site / urls.dcat_dataset(dataset_id, "jsonld")).write_bytes(_jsonld_text(js))
    ttl, js = made.blocks(made.groups)
    (site / urls.DCAT_CATALOG_TTL).write_bytes(_turtle_text(ttl))
    (site / urls.DCAT_CATALOG_JSONLD).write_bytes(_jsonld_text(js))
    return published


# --- validation with the official shapes ------------------------------------------------------

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
    from .. import parallel

    for name in SHAPE_FILES:  # parsed before the workers fork: every part names a shape's blank nodes alike
        shapes(name)
    parts = parallel.map_chunks(lambda ids: _part(published.graph(only=ids)), only, size) if only \
        else [_part(published.graph(only=[]))]
    advice: set[frozenset] = set()
    for _, _, found in parts:
        advice |= found
    return Verdict(all(ok for ok, _, _ in parts), "\n".join(text for ok, text, _ in parts if not ok), len(advice))
