"""Property: whatever `opendata validate` accepts, `opendata build` builds (and so whatever the build
refuses, the gate refused first). Descriptors are generated across the whole schema, with hostile text
(controls, quotes, markup, any script), odd URLs, numbers where text goes, dates as anything, and the
table's cells rewritten."""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import ROOT, copy_portal
from generator.build.pipeline import build
from generator.problems import InputError
from generator.gate.run import validate
from generator.portal.vocabularies import FREQUENCIES

DATASET = "data/so-y-te/co-so-kham-chua-benh"
BASE = yaml.safe_load((ROOT / DATASET / "datapackage.yaml").read_text(encoding="utf-8"))
TABLE = (ROOT / DATASET / "co-so-kham-chua-benh.csv").read_text(encoding="utf-8")

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)
words = st.one_of(text, st.sampled_from(["Dữ liệu", "<b>x</b>", "a & b", "\"'", "{{ x }}", "]]>", "-", "0"]))
url = st.builds(lambda scheme, host, path: scheme + host + path,
                st.sampled_from(["https://", "http://", "ftp://", "", "mailto:", "javascript:"]),
                st.sampled_from(["x.example", "dữ-liệu.vn", "a b.example", "[::1]", "h.example:99999", ""]),
                st.text(st.sampled_from(list(" <>\"{}|\\^`%?#&=/abcđ")), max_size=15))
scalar = st.one_of(words, st.integers(-10**6, 10**6), st.booleans(), st.dates(), st.none())
DESCRIPTOR_CHANGES = {
    "title": words, "title_en": words, "description": st.one_of(words, st.text(max_size=400)),
    "keywords": st.lists(st.one_of(words, st.integers()), max_size=4),
    "frequency": st.sampled_from([*FREQUENCIES, "hourly", ""]),
    "spatial": scalar, "attribution": scalar,
    "temporal": st.fixed_dictionaries({}, optional={"start": scalar, "end": scalar}),
    "contact": st.fixed_dictionaries({}, optional={"name": words, "email": st.one_of(st.emails(), words),
                                                   "phone": st.one_of(st.from_regex(r"0[0-9]{9}", fullmatch=True), words)}),
    "sources": st.lists(st.fixed_dictionaries({"title": words, "path": url}), max_size=2),
    "licenses": st.lists(st.fixed_dictionaries({"name": st.sampled_from(["CC-BY-4.0", "ODC-BY-1.0", "x"]),
                                                "path": url, "title": words}), min_size=1, max_size=2),
}
FIELD_NAMES = [f["name"] for f in BASE["resources"][0]["schema"]["fields"]]
# The SMS/Zalo opt-in: mostly real field names (so most cases reach the build), some not, hostile codes.
DESCRIPTOR_CHANGES["lookup"] = st.one_of(scalar, st.fixed_dictionaries(
    {"fields": st.lists(st.sampled_from([*FIELD_NAMES, "khong_co"]), min_size=1, max_size=2),
     "show": st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=7)},
    optional={"code": st.one_of(st.sampled_from(["CSYT", "x", "a-b_1", "CO-SO-KHAM-CHUA-BENH"]), words),
              "resource": st.sampled_from([BASE["resources"][0]["name"], "x"])}))
RESOURCE_CHANGES = {"title": words, "description": words, "mediatype": st.sampled_from(["text/csv", "x/y", ""])}
FIELD_CHANGES = {"title": words, "description": words, "unit": words,
                 "type": st.sampled_from(["string", "integer", "number", "date", "boolean", "any"])}


def _change(draw, target: dict, changes: dict, most: int) -> None:
    """A few keys at a time: most examples stay valid enough to reach the build."""
    for key in draw(st.lists(st.sampled_from(sorted(changes)), max_size=most, unique=True)):
        target[key] = draw(changes[key])


@st.composite
def portals(draw):
    descriptor = yaml.safe_load(yaml.safe_dump(BASE))
    _change(draw, descriptor, DESCRIPTOR_CHANGES, 3)
    resource = descriptor["resources"][0]
    _change(draw, resource, RESOURCE_CHANGES, 1)
    fields = resource["schema"]["fields"]
    _change(draw, fields[draw(st.integers(0, len(fields) - 1))], FIELD_CHANGES, 1)
    rows = list(csv.reader(io.StringIO(TABLE)))
    for _ in range(draw(st.integers(0, 2))):
        rows[draw(st.integers(1, len(rows) - 1))][draw(st.integers(0, len(rows[0]) - 1))] = draw(words)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return descriptor, out.getvalue()


@settings(max_examples=100, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(portals())
def test_whatever_the_gate_accepts_the_build_builds(case):
    descriptor, table = case
    work = Path(tempfile.mkdtemp(prefix="gate-build-"))
    try:
        root = copy_portal(work / "portal", [DATASET])
        folder = root / DATASET
        (folder / "datapackage.yaml").write_text(yaml.safe_dump(descriptor, allow_unicode=True, sort_keys=False),
                                                 encoding="utf-8")
        (folder / "co-so-kham-chua-benh.csv").write_text(table, encoding="utf-8")
        report = validate(root, offline=True)
        event("refused by the gate" if not report.valid else "accepted by the gate")
        if not report.valid:
            return
        try:
            build(root, work / "site")
        except InputError as exc:
            raise AssertionError("the gate accepted what the build refused:\n" + str(exc)) from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
