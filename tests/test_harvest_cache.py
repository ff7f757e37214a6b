"""The harvesting outputs made from cached per-dataset parts: what they publish and what their checks find is
what making them from scratch gives, and a damaged part of the cache is never trusted."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import ROOT
from generator.build.cache import Cache, Parts
from generator.publish import urls
from generator.publish.downloads import conversions
from generator.publish.harvest import datajson, dcat
from generator.publish.harvest.dcat import serialise
from standards_site import publish


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    return publish(ROOT, tmp_path_factory.mktemp("harvest-cache") / "site")


def whole(document: dict) -> list[str]:
    """What checking the whole document at once finds (the reference the per-entry check must equal)."""
    found = [(list(e.absolute_path), e.message) for e in datajson._validator().iter_errors(document)]
    return datajson._lines(found)


def broken(document: dict) -> dict:
    doc = copy.deepcopy(document)
    doc["dataset"][0]["contactPoint"]["hasEmail"] = "khong-phai-email"
    del doc["dataset"][1]["publisher"]
    doc["dataset"][2]["distribution"][0]["mediaType"] = 7
    doc["dataset"][-1]["title"] = ""
    doc["conformsTo"] = "https://example.org/not-pod"
    del doc["@type"]  # @type depends on @context: a catalogue-level error beside the entries'
    doc["dataset"].append({"identifier": "x"})
    return doc


def test_per_entry_verdicts_equal_checking_the_whole_document(out, tmp_path):
    cache = Cache(tmp_path / "cache")
    for document in (out.data_json, broken(out.data_json)):
        expected = whole(document)
        assert datajson.check(document) == expected
        first = Parts(cache, "pod")
        assert datajson.check(document, first) == expected  # verdicts made and kept
        first.save()
        again = Parts(cache, "pod")
        assert datajson.check(document, again) == expected  # verdicts from the cache
        assert again.hits == len(document["dataset"]) + 1 and again.misses == 0  # the entries and the catalogue
    assert any(e.startswith("dataset/0/contactPoint/hasEmail") for e in expected)
    assert any(e.startswith("(root)") or e.startswith("conformsTo") for e in expected)
    assert any(e.startswith(f"dataset/{len(out.data_json['dataset'])}") for e in expected)


def test_a_damaged_verdict_is_not_trusted(out, tmp_path):
    cache = Cache(tmp_path / "cache")
    document = broken(out.data_json)
    parts = Parts(cache, "pod")
    datajson.check(document, parts)
    parts.save()
    stored = tmp_path / "cache" / "parts" / "pod.txt"
    lines = stored.read_bytes().split(b"\n")
    # Make the broken first entry's verdict say "valid" (hash kept: the hash no longer matches),
    # and cut another line short.
    target = next(i for i, line in enumerate(lines) if b"hasEmail" in line)
    key, digest, _ = lines[target].split(b"\t", 2)
    lines[target] = key + b"\t" + digest + b"\t[]"
    other = next(i for i, line in enumerate(lines) if line and i != target)
    lines[other] = lines[other][:30]
    stored.write_bytes(b"\n".join(lines))
    again = Parts(cache, "pod")
    assert datajson.check(document, again) == whole(document)
    assert again.misses >= 2
    again.save()
    assert Parts(cache, "pod").get(key.decode()) is not None  # made again and kept


def test_the_build_keeps_data_json_verdicts(out, tmp_path):
    """publish() uses the cache and the file it writes is the same with or without it."""
    from generator.publish.harvest import Job

    site = tmp_path / "site"
    cache = Cache(tmp_path / "cache")
    job = Job(out.portfolio, site, out.downloads, None, {}, conversions.periods(out.conversions), cache)
    assert datajson.publish(job) == ([], [])
    first = (site / urls.DATA_JSON).read_bytes()
    assert json.loads(first) == out.data_json
    assert (tmp_path / "cache" / "parts").is_dir()
    assert datajson.publish(job) == ([], [])
    assert (site / urls.DATA_JSON).read_bytes() == first


# --- DCAT-AP -----------------------------------------------------------------------------------------

def dcat_files(site) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted((site / "dcat").rglob("*")) if p.is_file()}


def marks(out, periods) -> dict[str, str]:
    from generator.publish.harvest import Job

    job = Job(out.portfolio, out.site, out.downloads, None, {}, periods)
    return {d.id: job.part_key("dcat-dataset", d.id) for d in out.portfolio.datasets}


def test_dcat_from_cached_parts_is_what_a_fresh_write_gives(out, tmp_path):
    periods = conversions.periods(out.conversions)
    fresh = tmp_path / "fresh"
    dcat.write(out.portfolio, fresh, out.downloads, periods)
    cache = Cache(tmp_path / "cache")
    for run in ("cold", "warm"):
        parts = Parts(cache, "dcat")
        site = tmp_path / run
        published = dcat.write(out.portfolio, site, out.downloads, periods, parts, marks(out, periods))
        parts.save()
        assert dcat_files(site) == dcat_files(fresh), run
        assert (parts.hits, parts.misses) == ((0, len(out.portfolio.datasets)) if run == "cold"
                                              else (len(out.portfolio.datasets), 0))
        assert set(published.turtle_sha256) == {d.id for d in out.portfolio.datasets}
    # Only the datasets checked are described again: none was needed to write the files.
    assert published.datasets.made == 0


def test_a_damaged_dcat_part_is_not_trusted(out, tmp_path):
    periods = conversions.periods(out.conversions)
    cache = Cache(tmp_path / "cache")
    parts = Parts(cache, "dcat")
    dcat.write(out.portfolio, tmp_path / "first", out.downloads, periods, parts, marks(out, periods))
    parts.save()
    stored = tmp_path / "cache" / "parts" / "dcat.txt"
    text = stored.read_bytes()
    one = "co-so-kham-chua-benh"
    assert one.encode() in text
    stored.write_bytes(text.replace("Cơ sở".encode(), "Cơ sở giả".encode()))  # the hashes no longer match
    again = Parts(cache, "dcat")
    dcat.write(out.portfolio, tmp_path / "again", out.downloads, periods, again, marks(out, periods))
    assert again.misses >= 1
    assert dcat_files(tmp_path / "again") == dcat_files(tmp_path / "first")


def test_catalogue_pages_from_parts_equal_serialising_the_page(out):
    """A node two datasets describe differently is written from the union of what they say, as serialising
    the page's triples would."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import RDFS

    published = dcat.catalog_triples(out.portfolio, out.downloads, conversions.periods(out.conversions))
    datasets = {k: set(v) for k, v in published.datasets.items()}
    ids = sorted(datasets)
    shared = sorted({str(t[0]) for t in datasets[ids[0]]} & {str(t[0]) for t in datasets[ids[1]]})
    assert shared
    datasets[ids[1]].add((URIRef(shared[0]), RDFS.comment, Literal("thêm", lang="vi")))
    changed = dcat.Published(published.catalog, datasets, published._pages)
    made = serialise._Blocks()
    ttl, js = serialise._page_blocks(changed, ids, {i: made.part(datasets[i]) for i in ids}, made)
    assert serialise._turtle_text(ttl) == serialise.turtle(changed.page(ids))
    assert serialise._jsonld_text(js) == serialise.jsonld(changed.page(ids))


# --- every standard, as the build publishes them -------------------------------------------------------

def publish_all(out, site, cache) -> dict[str, bytes]:
    from generator.publish.downloads import records
    from generator.publish.harvest import Job, standards

    zips = {k: [x for x in v if x.format == "zip"] for k, v in out.downloads.items()}
    extra = {d.id: records.dataset_json_fields(out.portfolio, d.id, out.conversions, zips) for d in out.portfolio.datasets}
    job = Job(out.portfolio, site, out.downloads, None, extra, conversions.periods(out.conversions), cache)
    for standard in standards():
        assert standard.publish(job)[0] == []
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def test_every_standard_from_the_cache_publishes_the_same_bytes(out, tmp_path):
    fresh = publish_all(out, tmp_path / "fresh", None)
    assert any(k.startswith("api/3/action/package_show/") for k in fresh) and "data.json" in fresh
    cache = Cache(tmp_path / "cache")
    assert publish_all(out, tmp_path / "cold", cache) == fresh
    kept = sorted((tmp_path / "cache" / "parts").iterdir())
    assert {p.name for p in kept} >= {"api-datasets.txt", "ckan-packages.txt", "pod-1.1-datasets.txt",
                                      "pod-1.1-verdicts.txt", "dcat-datasets.txt", "dcat-shacl.txt"}
    assert publish_all(out, tmp_path / "warm", cache) == fresh
    # Every kept value altered (its hash kept): nothing of it is trusted, the same bytes are published.
    for path in kept:
        lines = [line.split(b"\t", 2) for line in path.read_bytes().split(b"\n") if line]
        path.write_bytes(b"\n".join(k + b"\t" + h + b"\t" + v.replace(b'"', b'"x', 1) for k, h, v in lines))
    assert publish_all(out, tmp_path / "damaged", cache) == fresh


# --- the whole build ----------------------------------------------------------------------------------

def test_a_build_from_damaged_parts_is_the_fresh_build(tmp_path):
    """Every file of kept parts damaged one way or another (a value altered, a line cut short, a line or the
    whole file gone): the build publishes what a build without a cache does, and repairs the parts."""
    from conftest import copy_portal
    from generator.build import pipeline
    from test_incremental_build import DATASETS, _assert_identical

    root = copy_portal(tmp_path / "portal", DATASETS)
    cache = Cache(tmp_path / "cache")
    pipeline.build(root, tmp_path / "first", cache=cache)
    kept = sorted((tmp_path / "cache" / "parts").glob("*.txt"))
    assert {p.stem for p in kept} >= {"dcat-datasets", "ckan-packages", "api-datasets", "pod-1.1-datasets",
                                      "pod-1.1-verdicts", "table-chunks", "dcat-shacl", "yaml"}
    for i, path in enumerate(kept):
        lines = path.read_bytes().split(b"\n")
        how = i % 4
        if how == 0:
            lines = [line.replace(b'"', b'"!', 1) for line in lines]  # every value altered, its hash kept
        elif how == 1:
            lines = [line[: len(line) // 2] for line in lines]
        elif how == 2:
            lines = lines[1:]
        path.write_bytes(b"\n".join(lines) if how != 3 else b"")
    pipeline.build(root, tmp_path / "from-damaged", cache=cache)
    pipeline.build(root, tmp_path / "fresh", cache=Cache(None))
    _assert_identical(tmp_path / "fresh", tmp_path / "from-damaged", "damaged parts")
    for path in kept:
        parts = Parts(cache, path.stem)
        assert parts._stored and all(parts.get(k) is not None for k in list(parts._stored)), path.name


def test_ckan_answers_written_package_by_package_are_the_whole_documents(out, tmp_path):
    """CKAN's answers are written as each package is made (package_search from a temporary file, not from
    every package held at once): every file is the whole document's JSON."""
    from generator.publish.harvest import ckan
    from generator.publish.harvest.json_api import json_bytes

    periods = conversions.periods(out.conversions)
    ckan.write(out.portfolio, tmp_path, out.downloads, periods)
    whole = ckan.documents(out.portfolio, out.downloads, periods)
    assert {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()} == set(whole)
    for path, doc in whole.items():
        assert (tmp_path / path).read_bytes() == json_bytes(doc), path
    search = json.loads((tmp_path / urls.ckan_action("package_search")).read_bytes())["result"]
    assert search["count"] == len(search["results"]) == len(out.portfolio.datasets) > 1
