"""The portal as loaded from catalog/ and data/: plain objects, no I/O.

Everything after loading (checks, pages, JSON, metadata profiles) reads these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.portal.vocabularies import FORMATS, FREQUENCIES, Format, Frequency


@dataclass
class Portal:
    id: str
    name: str
    name_en: str
    short_name: str
    province: str
    domain: str
    base_url: str  # always ends with "/"
    language: str
    operator: str  # agency id
    regulation: dict[str, Any]
    default_licence: str
    reviewers: list[str]
    province_note: str = ""
    province_note_en: str = ""
    # The function's public URL (API registration, feedback), no trailing slash; "" = not deployed:
    # feedback goes by mail to the agency and API accounts are requested from the operator by mail.
    function_url: str = ""


@dataclass
class Agency:
    id: str
    name: str
    name_en: str
    kind: str
    email: str
    website: str
    submitters: list[str]


@dataclass
class Topic:
    id: str
    name: str
    name_en: str
    theme: str  # EU data theme code


@dataclass
class Licence:
    id: str
    title: str
    title_en: str
    url: str


@dataclass
class CatalogueEntry:
    code: str
    title: str
    title_en: str
    agency: str
    topic: str
    frequency: str
    legal_basis: str
    description: str
    multiple: bool = False

    @property
    def frequency_info(self) -> Frequency:
        return FREQUENCIES[self.frequency]


@dataclass
class Withdrawal:
    """A dataset taken off the site (Article 13.1); its history stays in git."""

    id: str
    date: str  # ISO date
    reason: str
    title: str = ""
    agency: str = ""


@dataclass
class Stage:
    """A stage of the publication roadmap (Article 11.1): entries each agency publishes by `until`."""

    id: str
    title: str
    title_en: str
    until: str  # ISO date, the stage's last day
    targets: dict[str, int]  # agency id -> catalogue entries published, with data, by `until`


@dataclass
class Catalog:
    portal: Portal
    agencies: dict[str, Agency]
    topics: dict[str, Topic]
    licences: dict[str, Licence]
    entries: dict[str, CatalogueEntry]
    reviewed: str  # ISO date of the last half-yearly catalogue review
    withdrawn: dict[str, Withdrawal] = field(default_factory=dict)
    roadmap: list[Stage] = field(default_factory=list)  # catalog/roadmap.yaml, in order


@dataclass
class Resource:
    name: str
    title: str
    description: str
    format: str
    path: str  # as written in the descriptor: a file name in the folder, or an https URL
    mediatype: str
    schema: dict[str, Any] | None
    sheet: str | None  # for spreadsheets: the sheet this resource reads
    descriptor: dict[str, Any]  # the resource as written, for the Data Package outputs
    # Filled for files by the build: where it is published, its size and sha256.
    source: Path | None = None
    size: int | None = None
    sha256: str | None = None
    # Filled for tables by the build's gate: the table as the gate read it (generator.tables.reader.Table.save),
    # which every output is made from, and what the reader decided (header rows, rows left out, sheet).
    reading: Path | None = None
    layout: Any = None

    @property
    def is_api(self) -> bool:
        return self.format == "api"

    @property
    def dialect(self) -> dict[str, Any]:
        value = self.descriptor.get("dialect")
        return value if isinstance(value, dict) else {}

    @property
    def format_info(self) -> Format:
        return FORMATS[self.format]

    @property
    def tabular(self) -> bool:
        return self.format_info.tabular

    @property
    def filename(self) -> str:
        return Path(self.path).name


@dataclass
class Dataset:
    id: str
    agency: str
    folder: Path  # absolute
    rel_folder: str  # data/<agency>/<id>
    descriptor_file: str  # relative path of datapackage.yaml
    title: str
    title_en: str
    description: str
    catalogue: str
    frequency: str
    keywords: list[str]
    licence: str
    contact: dict[str, str]
    resources: list[Resource]
    descriptor: dict[str, Any]
    attribution: str = ""
    description_en: str = ""
    sources: list[dict[str, str]] = field(default_factory=list)
    spatial: str = ""  # as text; from the units' names when the descriptor lists units
    # The administrative units it covers ("2025:25", "pre-2025:26-huyen-tam-dao"; generator/portal/units.py).
    spatial_units: list[str] = field(default_factory=list)
    temporal: dict[str, str] = field(default_factory=dict)
    # From git: ISO times (with +07:00) of the first and last change of the folder.
    created: str = ""
    modified: str = ""
    # Tables that came without a Table Schema: refused, and the gate drafts one for its report.
    unspecified: list[Resource] = field(default_factory=list)

    @property
    def formats(self) -> list[str]:
        seen: list[str] = []
        for r in self.resources:
            if r.format not in seen:
                seen.append(r.format)
        return seen

    @property
    def frequency_info(self) -> Frequency:
        return FREQUENCIES[self.frequency]


@dataclass
class Portfolio:
    """Everything one build publishes."""

    catalog: Catalog
    datasets: list[Dataset]
    commit: str
    commit_time: str  # ISO, +07:00
    commit_epoch: int
    # dataset id -> score id -> generator.quality.Score, filled by the build once the files are measured.
    quality: dict[str, dict[str, Any]] = field(default_factory=dict)

    def datasets_of_agency(self, agency_id: str) -> list[Dataset]:
        return [d for d in self.datasets if d.agency == agency_id]

    def datasets_of_topic(self, topic_id: str) -> list[Dataset]:
        return [d for d in self.datasets if self.catalog.entries[d.catalogue].topic == topic_id]

    def datasets_of_entry(self, code: str) -> list[Dataset]:
        return [d for d in self.datasets if d.catalogue == code]

    def topic_of(self, dataset: Dataset) -> Topic:
        return self.catalog.topics[self.catalog.entries[dataset.catalogue].topic]
