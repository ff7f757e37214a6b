"""Loading catalog/ + data/: the sample portal is what the regulation asks of a real one."""

import subprocess
import unicodedata

from conftest import ROOT

from generator.build.pipeline import load
from generator.portal.gitinfo import iso
from generator.text import fold, slugify
from generator.portal.vocabularies import FILE_FORMATS


def test_sample_portal_loads_with_its_agencies_catalogue_and_datasets():
    portfolio, problems = load(ROOT)
    catalog = portfolio.catalog
    assert not problems.errors
    assert catalog.portal.name == "Cổng dữ liệu mở tỉnh Vĩnh Phúc"
    assert len(catalog.agencies) >= 9
    assert len(catalog.entries) >= 20
    assert len(portfolio.datasets) >= 12
    assert len({d.agency for d in portfolio.datasets}) >= 6
    # Some entries stay unpublished, so catalogue coverage means something.
    assert {d.catalogue for d in portfolio.datasets} < set(catalog.entries)


def test_sample_datasets_cover_every_format_of_article_7_1():
    portfolio, _ = load(ROOT)
    formats = {r.format for d in portfolio.datasets for r in d.resources}
    assert set(FILE_FORMATS) | {"api"} <= formats


def test_every_dataset_fulfils_an_entry_of_its_own_agency():
    portfolio, _ = load(ROOT)
    for d in portfolio.datasets:
        assert portfolio.catalog.entries[d.catalogue].agency == d.agency, d.rel_folder


def test_text_is_stored_nfc_even_when_typed_decomposed(portal):
    descriptor = next(portal.glob("data/*/*/datapackage.yaml"))
    text = descriptor.read_text(encoding="utf-8")
    decomposed = unicodedata.normalize("NFD", "Thử nghiệm tiếng Việt")
    descriptor.write_text(text.replace("\ntitle: ", f"\ntitle: {decomposed} ", 1), encoding="utf-8")
    portfolio, _ = load(portal)
    dataset = next(d for d in portfolio.datasets if d.folder == descriptor.parent)
    assert dataset.title.startswith("Thử nghiệm tiếng Việt")
    assert unicodedata.is_normalized("NFC", dataset.title)


def test_accent_folding_and_slugs_treat_d_with_stroke_as_d():
    assert fold("Đường Hà Nội") == "duong ha noi"
    assert slugify("Đơn vị hành chính cấp xã") == "don-vi-hanh-chinh-cap-xa"


def test_dataset_times_come_from_git_not_the_clock():
    portfolio, _ = load(ROOT)
    checked = 0
    for d in portfolio.datasets:
        assert d.created <= d.modified <= portfolio.commit_time
        log = subprocess.run(["git", "log", "-1", "--format=%ct", "--", d.rel_folder], cwd=ROOT,
                             capture_output=True, text=True).stdout.strip()
        if log:  # committed (always, on a clean clone)
            assert d.modified == iso(int(log))
            checked += 1
    assert checked, "no committed dataset to compare with git"


def test_first_look_reads_a_sheet_by_name_or_by_number_as_the_gate_does():
    from conftest import shared
    from generator.tables.reader import head

    by_name = head(shared("fixtures/office/SampleSS.xlsx"), "xlsx", "Sheet Number 2")
    by_number = head(shared("fixtures/office/SampleSS.xlsx"), "xlsx", "2")
    # The sheet opens with three title lines: the table's header is its sixth row.
    assert by_name == by_number and by_name[0] == ["cb=1", "cb=10", "cb=2", "cb=sum"] and by_name[1] == [["1", "10", "2", "13"]]
