"""The build's gate keeps each dataset's verdict under the catalogue facts its checks read: a catalogue edit
re-checks the datasets it touches (never a stale verdict) and reuses the others' verdicts."""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest
import yaml

import generator.build.verdicts as verdicts
from generator.build import pipeline
from generator.build.cache import Cache
from generator.gate.standards import check_standards
from generator.problems import Problems
from conftest import copy_portal

DATASETS = ["data/so-gddt/truong-thpt", "data/so-y-te/co-so-kham-chua-benh", "data/cuc-thong-ke/dan-so-theo-huyen",
            "data/cuc-thong-ke/ma-xa-vinh-phuc-truoc-2025"]


@pytest.fixture
def gate(tmp_path, monkeypatch):
    """Run the build's gate on the portal as it is now; return (ids checked afresh, problems found)."""
    root = copy_portal(tmp_path / "portal", DATASETS)
    cache = Cache(tmp_path / "cache")
    checked: list[str] = []
    original = verdicts.check_dataset
    monkeypatch.setattr(verdicts, "check_dataset", lambda d, *a, **k: (checked.append(d.id), original(d, *a, **k)))
    monkeypatch.setattr(os, "cpu_count", lambda: 1)  # the gate in this process, where the patch is seen
    runs = iter(range(100))

    def run(use_cache: bool = True) -> tuple[list[str], list[dict]]:
        checked.clear()
        portfolio, problems = pipeline.load(root)
        pipeline.gate(portfolio, problems, tmp_path / f"work-{next(runs)}", cache if use_cache else Cache(None), root)
        return sorted(checked), [dataclasses.asdict(p) for p in problems.items]

    run.root = root
    return run


def _catalogue(root: Path, change) -> None:
    path = root / "catalog/catalogue.yaml"
    path.write_text(change(path.read_text("utf-8")), encoding="utf-8")


def _entry_block(text: str, code: str) -> tuple[int, int]:
    start = text.index(f"- code: {code}\n")
    end = text.find("\n  - code:", start)
    return start, len(text) if end < 0 else end


def test_a_catalogue_edit_rechecks_only_the_datasets_it_touches(gate):
    first, _ = gate()
    assert first == sorted(d.split("/")[-1] for d in DATASETS)
    assert gate()[0] == []  # nothing changed: every verdict from the cache

    # The entry of co-so-kham-chua-benh now says another frequency: its verdict must say so (no stale one).
    def refrequency(text: str) -> str:
        start, end = _entry_block(text, "VP-YT-001")
        block = re.sub(r"frequency: \S+", "frequency: monthly", text[start:end], count=1)
        return text[:start] + block + text[end:]
    _catalogue(gate.root, refrequency)
    checked, problems = gate()
    assert checked == ["co-so-kham-chua-benh"]
    mismatch = [p for p in problems if p["code"] == "frequency-mismatch"]
    assert [p["file"] for p in mismatch] == ["data/so-y-te/co-so-kham-chua-benh/datapackage.yaml"]
    assert problems == gate(use_cache=False)[1]  # what a build without a cache finds

    # An entry no dataset here fulfils, the review date, a topic's name: no dataset's checks read them.
    def elsewhere(text: str) -> str:
        start, end = _entry_block(text, "VP-TC-001")
        text = text[:start] + text[start:end].replace("title: ", "title: Sửa đổi ", 1) + text[end:]
        return re.sub(r"reviewed: \S+", "reviewed: 2026-07-01", text, count=1)
    _catalogue(gate.root, elsewhere)
    topics = gate.root / "catalog/topics.yaml"
    topics.write_text(topics.read_text("utf-8").replace("name: ", "name: Chủ đề ", 1), encoding="utf-8")
    assert gate()[0] == []


def test_an_agency_edit_rechecks_its_datasets(gate):
    gate()
    path = gate.root / "catalog/agencies.yaml"
    agencies = yaml.safe_load(path.read_text("utf-8"))
    for agency in agencies:
        if agency["id"] == "cuc-thong-ke":
            agency["name_en"] = agency.get("name_en", "") + " (renamed)"
    path.write_text(yaml.safe_dump(agencies, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert gate()[0] == ["dan-so-theo-huyen", "ma-xa-vinh-phuc-truoc-2025"]


def test_the_unit_lists_are_a_fact_only_of_the_datasets_that_declare_units(gate, tmp_path):
    gate()
    declaring = sorted(d.split("/")[-1] for d in DATASETS
                       if "admin_unit" in (gate.root / d / "datapackage.yaml").read_text("utf-8"))
    assert declaring  # the sample has such a dataset, or this test says nothing
    lists = sorted((gate.root / "catalog/units").glob("*"))
    lists[0].write_bytes(lists[0].read_bytes() + b"\n")
    assert gate()[0] == declaring


def test_a_cached_data_json_verdict_is_the_verdict(gate, tmp_path):
    path = gate.root / "data/so-y-te/co-so-kham-chua-benh/datapackage.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["keywords"] = ["", "y tế"]  # data.json wants every keyword non-empty
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    portfolio, _ = pipeline.load(gate.root)
    cache = Cache(tmp_path / "datajson")
    found = []
    for use in (Cache(None), cache, cache):
        problems = Problems()
        check_standards(portfolio.catalog, portfolio.datasets, problems, shapes=False, cache=use)
        found.append([dataclasses.asdict(p) for p in problems.items])
    assert found[0] and found[0] == found[1] == found[2]
    assert "keyword/0" in found[0][0]["en"] and cache.hits == len(portfolio.datasets) + 1  # and the catalogue's own


def test_frictionless_judges_a_descriptor_once(tmp_path):
    """Its verdict on a descriptor comes from the cache the second time: the same findings, frictionless not even
    imported; a changed descriptor is judged afresh."""
    import json
    import subprocess
    import sys

    from conftest import ROOT

    root = copy_portal(tmp_path / "portal", ["data/so-y-te/co-so-kham-chua-benh", "data/so-gddt/truong-thpt"])
    path = root / "data/so-y-te/co-so-kham-chua-benh/datapackage.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["homepage"] = 5  # the Data Package standard wants a URL string
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    mark = tmp_path / "imported"
    # frictionless may be imported in a child of the gate: an audit hook (inherited by it) leaves a mark.
    script = ("import json, sys\nfrom pathlib import Path\n"
              f"mark = Path({str(mark)!r})\nmark.unlink(missing_ok=True)\n"
              "sys.addaudithook(lambda e, a: e == 'import' and a[0] == 'frictionless' and mark.touch())\n"
              "from generator.gate import report\nfrom generator.gate.run import validate\n"
              f"found = json.loads(report.to_json(validate(Path({str(root)!r}), offline=True)))\n"
              "print(json.dumps([found['tasks'], mark.exists()]))")

    def run(cache: str) -> tuple[list, bool]:
        out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT), "OPENDATA_CACHE": cache}).stdout
        return tuple(json.loads(out))

    uncached, imported = run("off")
    assert imported and any(e["type"] == "package-error" for t in uncached for e in t["errors"])
    cache = str(tmp_path / "cache")
    assert run(cache) == (uncached, True)
    assert run(cache) == (uncached, False)
    data["homepage"] = "https://syt.vinhphuc.gov.vn"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    tasks, imported = run(cache)
    assert imported and not any(e["type"] == "package-error" for t in tasks for e in t["errors"])


def test_a_cached_shapes_verdict_is_the_verdict(gate, tmp_path, monkeypatch):
    """The DCAT-AP shapes' verdict on a dataset's graph, from the cache, is what checking the graph says; a graph
    checked before is not checked again. (Which graphs violate the shapes is pySHACL's: a stand-in flags one.)"""
    from generator.publish.harvest import dcat

    portfolio, _ = pipeline.load(gate.root)
    broken = portfolio.datasets[0]
    marked = broken.title = "Tên được đánh dấu cho kiểm tra"
    checked = []
    real = dcat.check

    def check(graph):
        checked.append(len(graph))
        if any(str(o) == marked for o in graph.objects()):
            return False, "violation of the stand-in shape"
        return real(graph)

    monkeypatch.setattr(dcat, "check", check)
    cache = Cache(tmp_path / "shapes")
    found, calls = [], []
    for use in (Cache(None), cache, cache):
        checked.clear()
        problems = Problems()
        check_standards(portfolio.catalog, portfolio.datasets, problems, cache=use)
        found.append([dataclasses.asdict(p) for p in problems.items if p.code == "dcat-ap"])
        calls.append(len(checked))
    assert [p["file"] for p in found[0]] == [broken.descriptor_file]
    assert found[0] == found[1] == found[2]
    assert calls[0] > 0 and calls[1] == calls[0] and calls[2] == 0
    with monkeypatch.context() as m:  # every verdict kept: no graph is even made
        m.setattr(dcat, "catalog_triples", lambda *a, **k: pytest.fail("a graph was made"))
        problems = Problems()
        check_standards(portfolio.catalog, portfolio.datasets, problems, cache=cache)
        assert [dataclasses.asdict(p) for p in problems.items if p.code == "dcat-ap"] == found[0]
    # What a dataset's graph is made from changed: that dataset is checked again, alone; a change to the
    # catalogue (in every dataset's graph) checks them all.
    other = portfolio.datasets[1]
    other.description += " Đã sửa."
    checked.clear()
    check_standards(portfolio.catalog, portfolio.datasets, Problems(), cache=cache)
    assert len(checked) == 1
    alone = checked[0]
    broken.title = "Tên đã sửa"
    checked.clear()
    problems = Problems()
    check_standards(portfolio.catalog, portfolio.datasets, problems, cache=cache)
    assert not [p for p in problems.items if p.code == "dcat-ap"] and len(checked) == 1
    portfolio.catalog.portal.name += " (mới)"
    checked.clear()
    check_standards(portfolio.catalog, portfolio.datasets, Problems(), cache=cache)
    assert len(checked) == 1 and checked[0] > 2 * alone  # every dataset's graph in one run
