"""The RDF vocabularies DCAT-AP uses, and the EU authority tables the portal's own values map to."""

from __future__ import annotations

import re

from rdflib import URIRef

from generator import PACKAGE_DIR


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
HYDRA = Terms("http://www.w3.org/ns/hydra/core#")
RDF_TYPE = RDF.type
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE_TYPE = "http://purl.org/adms/licencetype/"
PUBLISHER_TYPE = "http://purl.org/adms/publishertype/"
SHAPES_DIR = PACKAGE_DIR / "standards" / "dcat-ap-3.0.1"
PREFIXES = {"dcat": DCAT, "dct": DCTERMS, "foaf": FOAF, "rdfs": RDFS, "skos": SKOS, "vcard": VCARD, "xsd": XSD,
            "adms": ADMS, "spdx": SPDX, "dcatap": DCATAP, "locn": LOCN, "hydra": HYDRA}
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

