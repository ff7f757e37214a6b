"""Closed lists the product defines (not the province): update frequencies and file formats.

Codes map to the EU vocabularies that DCAT-AP harvesters expect.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Frequency:
    id: str
    vi: str
    en: str
    eu: str  # http://publications.europa.eu/resource/authority/frequency/<eu>


FREQUENCIES: dict[str, Frequency] = {
    f.id: f
    for f in [
        Frequency("daily", "Hằng ngày", "Daily", "DAILY"),
        Frequency("weekly", "Hằng tuần", "Weekly", "WEEKLY"),
        Frequency("monthly", "Hằng tháng", "Monthly", "MONTHLY"),
        Frequency("quarterly", "Hằng quý", "Quarterly", "QUARTERLY"),
        Frequency("semiannual", "Sáu tháng một lần", "Every six months", "BIANNUAL"),
        Frequency("annual", "Hằng năm", "Annual", "ANNUAL"),
        Frequency("irregular", "Không định kỳ", "Irregular", "IRREG"),
        Frequency("once", "Một lần, không cập nhật", "Once, not updated", "NEVER"),
    ]
}


@dataclass(frozen=True)
class Format:
    id: str
    label: str
    mediatype: str
    tabular: bool
    eu: str  # http://publications.europa.eu/resource/authority/file-type/<eu>


# Article 7.1: pdf, xls, xlsx, doc, docx, csv, or an API connection.
FORMATS: dict[str, Format] = {
    f.id: f
    for f in [
        Format("csv", "CSV", "text/csv", True, "CSV"),
        Format("xlsx", "XLSX", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", True, "XLSX"),
        Format("xls", "XLS", "application/vnd.ms-excel", True, "XLS"),
        Format("pdf", "PDF", "application/pdf", False, "PDF"),
        Format("docx", "DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False, "DOCX"),
        Format("doc", "DOC", "application/msword", False, "DOC"),
        Format("api", "API", "application/json", False, "JSON"),
    ]
}

FILE_FORMATS = [f for f in FORMATS if f != "api"]
