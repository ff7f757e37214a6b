"""`opendata validate --changed-since REF` and `validate PATH…` load and check only the datasets they name, and
find for them exactly what a full validate finds, the checks across datasets included."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from conftest import copy_portal, run_cli

from generator.gate import report as reports
from generator.gate.run import validate
from generator.portal import datasets as loader

GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid"]
FOLDERS = ["data/so-gddt/truong-thpt", "data/so-khdt/doanh-nghiep-niem-yet", "data/so-khdt/dang-ky-doanh-nghiep-2024",
           "data/so-y-te/co-so-kham-chua-benh", "data/cuc-thong-ke/dan-so-theo-huyen",
           "data/cuc-thong-ke/dan-toc-viet-nam"]


def _git(root, *args):
    subprocess.run(GIT + list(args), cwd=root, check=True, capture_output=True)


def _edit(root, folder, change):
    path = root / folder / "datapackage.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.fixture
def changed(tmp_path):
    """A portal in git, then a change to three datasets and a new one, each clashing with a dataset it leaves as
    it was: the clash's error falls on the unchanged dataset as often as on the changed one."""
    root = copy_portal(tmp_path / "portal", FOLDERS)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "base")
    # The entry of doanh-nghiep-niem-yet allows one dataset; dang-ky-... (loaded first) now claims it too.
    _edit(root, "data/so-khdt/dang-ky-doanh-nghiep-2024", lambda d: d.update(catalogue="VP-KHDT-001"))

    # co-so-kham-chua-benh answers to truong-thpt's look-up code.
    def lookup(d):
        resource = d["resources"][0]
        names = [f["name"] for f in resource["schema"]["fields"]]
        d["lookup"] = {"code": "THPT", "resource": resource["name"], "fields": names[:1], "show": names[:2]}
    _edit(root, "data/so-y-te/co-so-kham-chua-benh", lookup)
    # A new dataset of another agency with the id of truong-thpt (and its look-up code): it sorts first.
    shutil.copytree(root / "data/so-gddt/truong-thpt", root / "data/cuc-thong-ke/truong-thpt")
    _edit(root, "data/cuc-thong-ke/truong-thpt", lambda d: d.update(catalogue="VP-CTK-001"))
    # A row error in a table, and a workbook's descriptor edited.
    csv = root / "data/so-y-te/co-so-kham-chua-benh/co-so-kham-chua-benh.csv"
    lines = csv.read_text("utf-8").splitlines()
    csv.write_text("\n".join([lines[0], "9" + lines[1][5:], *lines[2:]]) + "\n", encoding="utf-8")  # 5 digits
    _edit(root, "data/cuc-thong-ke/dan-so-theo-huyen", lambda d: d.update(keywords=["dân số", "huyện"]))
    return root


CHANGED = ["data/cuc-thong-ke/dan-so-theo-huyen", "data/cuc-thong-ke/truong-thpt",
           "data/so-khdt/dang-ky-doanh-nghiep-2024", "data/so-y-te/co-so-kham-chua-benh"]


def _tasks(report) -> dict[str, dict]:
    document = json.loads(reports.to_json(report))
    return {t["place"]: {"errors": t["errors"], "warnings": t["warnings"]} for t in document["tasks"]}


def _across(tasks: dict[str, dict]) -> list[dict]:
    """The errors of the checks across datasets: each names the other dataset."""
    return [e for task in tasks.values() for e in task["errors"] if "already" in e["message_en"]]


def test_a_selection_finds_what_a_full_validate_finds_for_it(changed):
    full = _tasks(validate(changed, offline=True))
    clashes = _across(full)
    # The fixture's clashes are real: the entry and the id fall on datasets left as they were.
    assert {e["file"].rsplit("/", 1)[0] for e in clashes} == {
        "data/so-khdt/doanh-nghiep-niem-yet", "data/so-gddt/truong-thpt", "data/so-y-te/co-so-kham-chua-benh"}
    for since in (validate(changed, since="main", offline=True), validate(changed, paths=CHANGED, offline=True)):
        assert since.checked == CHANGED
        tasks = _tasks(since)
        for place in CHANGED:
            assert tasks.get(place) == full.get(place), place
        # An error about a clash that falls on a dataset left as it was is still this change's finding.
        assert sorted(map(json.dumps, _across(tasks))) == sorted(map(json.dumps, clashes))
        for place, task in tasks.items():  # and nothing else about the datasets not selected
            if place not in CHANGED and place.startswith("data/"):
                assert all(e in _across(tasks) for e in task["errors"]) and not task["warnings"], place


def test_a_clash_is_found_whatever_way_the_other_descriptor_spells_it(changed):
    """The datasets a selection is compared with are found from their bytes without parsing them; a YAML escape
    or a number written as text must not hide one."""
    path = changed / "data/so-khdt/doanh-nghiep-niem-yet/datapackage.yaml"
    text = path.read_text("utf-8").replace("catalogue: VP-KHDT-001", 'catalogue: "VP-KHDT-\\x30\\x301"')
    text = text.replace("code: CK", "code: 'T\\u0048PT'")  # YAML single quotes keep the backslash: not THPT
    path.write_text(text, encoding="utf-8")
    _git(changed, "add", "-A")
    _git(changed, "commit", "-q", "-m", "pr")
    full = _tasks(validate(changed, offline=True))
    since = _tasks(validate(changed, since="HEAD~1", offline=True))
    assert any("VP-KHDT-001" in e["message_en"] for e in _across(full))
    assert sorted(map(json.dumps, _across(since))) == sorted(map(json.dumps, _across(full)))
    assert not loader._may_name(b"catalogue: VP-KHDT-002\n", "VP-KHDT-001")
    for spelled in (b'catalogue: "VP-KHDT-\\x30\\x301"', b"code: 12", "x: \u212a".encode()):
        assert loader._may_name(spelled, "VP-KHDT-001" if b"VP" in spelled else "12" if b"12" in spelled else "K1")


def test_a_catalogue_change_checks_every_dataset(changed):
    path = changed / "catalog/catalogue.yaml"
    path.write_text(path.read_text("utf-8").replace("reviewed: ", "reviewed: ", 1) + "\n", encoding="utf-8")
    report = validate(changed, since="main", offline=True)
    assert report.stats.datasets == len(FOLDERS) + 1


def test_the_command_reports_the_same(changed):
    result = run_cli("validate", "--root", str(changed), "--offline", "--format", "json", "--changed-since", "main")
    assert result.returncode == 1
    tasks = {t["place"]: t for t in json.loads(result.stdout)["tasks"]}
    full = _tasks(validate(changed, offline=True))
    for place in CHANGED:
        assert {"errors": tasks[place]["errors"], "warnings": tasks[place]["warnings"]} == full[place]
