"""What peers offer beside a dataset: follow it or its agency (Atom feeds), more from the same agency
and related datasets (shared keywords and topic) on its page."""

from __future__ import annotations

import json
import random
import re
import xml.etree.ElementTree as ET

import yaml

from conftest import ROOT

from generator.build.pipeline import load
from generator.publish.site.related import Related
from generator.text import fold

ATOM = "{http://www.w3.org/2005/Atom}"


def _feed(path):
    feed = ET.parse(path).getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None, required
    return feed


def test_every_dataset_and_agency_has_a_feed_announced_on_its_page(site):
    portfolio, _ = load(ROOT)
    manifest = {f["path"] for f in json.loads((site / "manifest.json").read_text("utf-8"))["files"]}
    for d in portfolio.datasets:
        feed = _feed(site / f"datasets/{d.id}/feed.xml")
        entries = feed.findall(f"{ATOM}entry")
        assert entries, d.id  # at least the change that published it
        for entry in entries:
            assert entry.find(f"{ATOM}updated").text and entry.find(f"{ATOM}summary").text
        assert any("dòng" in e.find(f"{ATOM}summary").text or "mô tả" in e.find(f"{ATOM}summary").text for e in entries)
        page = (site / f"datasets/{d.id}/index.html").read_text("utf-8")
        assert re.search(r'<link rel="alternate" type="application/atom\+xml" title="[^"]+" href="feed.xml">', page), d.id
        assert f"datasets/{d.id}/feed.xml" in manifest
    for a in portfolio.catalog.agencies.values():
        feed = _feed(site / f"agencies/{a.id}/feed.xml")
        links = {e.find(f"{ATOM}link").get("href").rstrip("/").rsplit("/", 1)[1] for e in feed.findall(f"{ATOM}entry")}
        assert links == {d.id for d in portfolio.datasets_of_agency(a.id)}
        assert 'href="feed.xml"' in (site / f"agencies/{a.id}/index.html").read_text("utf-8")


def test_more_from_the_agency_and_related_datasets():
    portfolio, _ = load(ROOT)
    related = Related(portfolio)
    for d in portfolio.datasets:
        same = related.same_agency(d)
        assert {x.id for x in same} == {x.id for x in portfolio.datasets_of_agency(d.agency) if x.id != d.id}
        others = related.related(d)
        assert d not in others and all(x.agency != d.agency for x in others) and len(others) <= 5
        mine = {fold(k) for k in d.keywords}
        sharing = [x for x in others if mine & {fold(k) for k in x.keywords}]
        # Datasets that share a keyword come before those that only share the topic.
        assert others[:len(sharing)] == sharing


def test_the_dataset_page_links_its_neighbours(site):
    page = (site / "datasets/doanh-nghiep-niem-yet/index.html").read_text("utf-8")
    section = page[page.index('id="lien-quan"'):page.index('id="trich-dan"')]
    assert 'href="../../datasets/dang-ky-doanh-nghiep-2024/"' in section  # the same agency's other dataset


def test_related_datasets_are_the_best_scored_and_newest_among_equals(tmp_path):
    """On a catalogue where keywords are shared by many datasets (a district, a subject), each page offers
    the five others sharing the most keywords (the topic breaks ties), newest first among equals."""
    from benchmarks.build_portal import make_portal

    make_portal(tmp_path / "p", 150, 2)
    pool = ["Dân số", "dân số", "giáo dục", "y tế", "Hà Nội", "đất đai", "doanh nghiệp"]
    for i, path in enumerate(sorted((tmp_path / "p").glob("data/*/*/datapackage.yaml"))):
        descriptor = yaml.safe_load(path.read_text("utf-8"))  # one to four keywords: scores of every level
        descriptor["keywords"] = random.Random(i).sample(pool, 1 + i % 4)
        path.write_text(yaml.safe_dump(descriptor, allow_unicode=True), "utf-8")
    portfolio, _ = load(tmp_path / "p")
    related = Related(portfolio)
    newest = sorted(portfolio.datasets, key=lambda d: (d.modified, d.id), reverse=True)
    words = {d.id: {" ".join(fold(k).split()) for k in d.keywords} for d in newest}
    topic = {d.id: portfolio.topic_of(d).id for d in newest}
    for d in portfolio.datasets:
        def score(x):
            return 2 * len(words[d.id] & words[x.id]) + (topic[x.id] == topic[d.id])
        sharing = [x for x in newest if x.agency != d.agency and words[d.id] & words[x.id]]
        expected = sorted(sharing, key=lambda x: -score(x))[:5]  # a stable sort keeps the newest first
        assert [x.id for x in related.related(d)][:len(expected)] == [x.id for x in expected], d.id
        assert [x.id for x in related.same_agency(d)] == [x.id for x in newest if x.agency == d.agency
                                                          and x.id != d.id][:5]
