"""CKAN's default licence register (ckan/model/license.py), and which entry each licence of catalog/licences.yaml is.

CKAN clients and ckanext-dcat know a licence only by this register: `license_id` must be one of its
ids, and ckanext-dcat's RDF parser finds the id from the licence's URI (the register's `url`), or else
from its title. Every output that names a licence for CKAN takes it from `entry()`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    id: str
    title: str
    url: str  # "" for the register's generic entries (other-at, other-open...)
    od_conformance: str = "approved"
    domain_data: bool = True


REGISTER: tuple[Entry, ...] = (
    Entry("notspecified", "License not specified", "", "not reviewed", False),
    Entry("odc-pddl", "Open Data Commons Public Domain Dedication and License (PDDL)",
          "http://www.opendefinition.org/licenses/odc-pddl"),
    Entry("odc-odbl", "Open Data Commons Open Database License (ODbL)",
          "http://www.opendefinition.org/licenses/odc-odbl"),
    Entry("odc-by", "Open Data Commons Attribution License", "http://www.opendefinition.org/licenses/odc-by"),
    Entry("cc-zero", "Creative Commons CCZero", "http://www.opendefinition.org/licenses/cc-zero"),
    Entry("cc-by", "Creative Commons Attribution", "http://www.opendefinition.org/licenses/cc-by"),
    Entry("cc-by-sa", "Creative Commons Attribution Share-Alike", "http://www.opendefinition.org/licenses/cc-by-sa"),
    Entry("gfdl", "GNU Free Documentation License", "http://www.opendefinition.org/licenses/gfdl"),
    Entry("other-open", "Other (Open)", ""),
    Entry("other-pd", "Other (Public Domain)", ""),
    Entry("other-at", "Other (Attribution)", ""),
    Entry("uk-ogl", "UK Open Government Licence (OGL)",
          "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
    Entry("cc-nc", "Creative Commons Non-Commercial (Any)", "http://creativecommons.org/licenses/by-nc/2.0/",
          "not reviewed"),
    Entry("other-nc", "Other (Non-Commercial)", "", "not reviewed"),
    Entry("other-closed", "Other (Not Open)", "", "not reviewed"),
)
BY_ID = {e.id: e for e in REGISTER}
# catalog/licences.yaml ids (SPDX) -> the register's entry; a licence not listed is "other-open".
FROM_SPDX = {"CC-BY-4.0": "cc-by", "CC0-1.0": "cc-zero", "ODC-BY-1.0": "odc-by", "CC-BY-SA-4.0": "cc-by-sa",
             "ODbL-1.0": "odc-odbl", "PDDL-1.0": "odc-pddl", "OGL-UK-3.0": "uk-ogl", "MIT": "other-at",
             "GFDL-1.3": "gfdl"}


def entry(licence_id: str) -> Entry:
    return BY_ID[FROM_SPDX.get(licence_id, "other-open")]
