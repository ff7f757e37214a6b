"""Quality scores: the EU MQA points of one dataset checked by hand, each score moving when exactly one
criterion's input changes (and only then), and the scores on the dataset page and in its JSON."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from conftest import copy_portal

ETHNIC = "data/cuc-thong-ke/dan-toc-viet-nam"
WARDS = "data/cuc-thong-ke/xa-phuong-phu-tho-2025"  # a CSV and an outside API
API = "https://provinces.open-api.vn/api/"

# The MQA methodology applied by hand to data/cuc-thong-ke/dan-toc-viet-nam/datapackage.yaml: one CSV
# distribution served by the portal, MIT licence (an EU licence IRI), keywords, no temporal coverage,
# an EU theme, Việt Nam as spatial, contact and publisher, issued/modified from git, a byte size, no
# dct:rights on the distribution.
HAND = {
    "findability.keyword": 30, "findability.theme": 30, "findability.spatial": 20, "findability.temporal": 0,
    "accessibility.access-url": 50, "accessibility.download-url": 20, "accessibility.download-url-ok": 30,
    "interoperability.format": 20, "interoperability.media-type": 10, "interoperability.vocabulary": 10,
    "interoperability.non-proprietary": 20, "interoperability.machine-readable": 20, "interoperability.dcat-ap": 30,
    "reusability.licence": 20, "reusability.licence-vocabulary": 10, "reusability.access-rights": 10,
    "reusability.access-rights-vocabulary": 5, "reusability.contact": 20, "reusability.publisher": 10,
    "contextuality.rights": 0, "contextuality.byte-size": 5, "contextuality.issued": 5, "contextuality.modified": 5,
}


def test_mqa_points_of_one_dataset_match_the_hand_computation(site):
    doc = json.loads((site / "api/v1/datasets/dan-toc-viet-nam.json").read_text("utf-8"))
    mqa = doc["quality"]["mqa"]
    assert {c["id"]: c["points"] for c in mqa["criteria"]} == HAND
    assert sum(c["max"] for c in mqa["criteria"]) == 405
    assert mqa["points"] == 30 + 30 + 20 + 50 + 20 + 30 + 20 + 10 + 10 + 20 + 20 + 30 + 20 + 10 + 10 + 5 + 20 + 10 + 5 + 5 + 5
    assert mqa["points"] == 380 and mqa["band"]["name_en"] == "Excellent"  # 351–405
    assert {d["id"]: (d["points"], d["max"]) for d in mqa["dimensions"]} == {
        "findability": (80, 100), "accessibility": (100, 100), "interoperability": (110, 110),
        "reusability": (75, 75), "contextuality": (15, 20)}
    portal = doc["quality"]["portal"]
    assert [c["id"] for c in portal["criteria"] if not c["met"]] == ["temporal"]
    assert (portal["points"], portal["max"], portal["percent"]) == (11, 12, 92)
    assert all(c["why"] and c["why_en"] for c in portal["criteria"] + mqa["criteria"])


def test_the_dataset_page_shows_the_badge_and_explains_each_criterion(site):
    page = (site / "datasets/dan-toc-viet-nam/index.html").read_text("utf-8")
    badge = page.split('class="od-quality-badge"', 1)[1].split("</p>", 1)[0]
    assert "92%" in badge and "380/405" in badge
    section = page.split('id="chat-luong"', 1)[1].split("</section>", 1)[0]
    assert section.count("<tr>") == 1 + 12 + 1 + 23  # two header rows, 12 portal criteria, 23 MQA indicators
    assert "Phạm vi thời gian (dct:temporal)" in section and "0/20" in section


def _scores(root: Path) -> dict:
    from generator.build.pipeline import load, quality_scores
    from generator.publish.downloads import files

    portfolio, _ = load(root)
    files.measure(portfolio)
    return {d: {s: score.to_json() for s, score in scores.items()} for d, scores in
            quality_scores(root, portfolio, []).items()}


def _changed(before: dict, after: dict) -> set[tuple[str, str, str]]:
    out = set()
    for d in before:
        for s in before[d]:
            old = {c["id"]: c for c in before[d][s]["criteria"]}
            for c in after[d][s]["criteria"]:
                if c != old[c["id"]]:
                    out.add((d, s, c["id"]))
    return out


def _edit(root: Path, folder: str, **changes) -> None:
    path = root / folder / "datapackage.yaml"
    meta = yaml.safe_load(path.read_text("utf-8"))
    meta.update(changes)
    path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_a_score_changes_when_exactly_one_criterion_input_changes(tmp_path):
    root = copy_portal(tmp_path / "portal", [ETHNIC, WARDS])
    base = _scores(root)
    assert _scores(root) == base  # same input, same scores
    wards = base["xa-phuong-phu-tho-2025"]
    reachable = next(c for c in wards["portal"]["criteria"] if c["id"] == "reachable")
    assert reachable["met"] is None and API in reachable["detail_en"]  # never link-checked: not known

    # The last link check answered for the API: only the reachability criteria of that dataset move.
    (root / "local").mkdir()
    (root / "local/linkcheck.json").write_text(json.dumps(
        {"checked": "2026-11-30T09:00:00+07:00", "answers": {API: {"status": 200, "error": ""}}}), "utf-8")
    checked = _scores(root)
    assert _changed(base, checked) == {("xa-phuong-phu-tho-2025", "portal", "reachable"),
                                       ("xa-phuong-phu-tho-2025", "mqa", "accessibility.access-url")}
    assert checked["xa-phuong-phu-tho-2025"]["portal"]["points"] == wards["portal"]["points"] + 1
    assert checked["xa-phuong-phu-tho-2025"]["mqa"]["points"] == wards["mqa"]["points"] + 25  # 1 of 2 distributions
    (root / "local/linkcheck.json").write_text(json.dumps(
        {"checked": "2026-12-01T09:00:00+07:00", "answers": {API: {"status": 503, "error": ""}}}), "utf-8")
    broken = _scores(root)
    assert next(c for c in broken["xa-phuong-phu-tho-2025"]["portal"]["criteria"] if c["id"] == "reachable")["met"] is False

    # A description cut short: the portal's description criterion only; the MQA has no such indicator.
    _edit(root, ETHNIC, description="Danh mục dân tộc.")
    short = _scores(root)
    assert _changed(broken, short) == {("dan-toc-viet-nam", "portal", "description")}
    assert short["dan-toc-viet-nam"]["portal"]["points"] == broken["dan-toc-viet-nam"]["portal"]["points"] - 1

    # A temporal coverage declared: one criterion in each score.
    _edit(root, ETHNIC, temporal={"start": "2020-01-01", "end": "2020-12-31"})
    dated = _scores(root)
    assert _changed(short, dated) == {("dan-toc-viet-nam", "portal", "temporal"),
                                      ("dan-toc-viet-nam", "mqa", "findability.temporal")}
    assert dated["dan-toc-viet-nam"]["mqa"]["points"] == short["dan-toc-viet-nam"]["mqa"]["points"] + 20
