"""`opendata validate PATH…`: an agency clerk checks only the dataset folders they name."""

from __future__ import annotations

import json

from conftest import copy_portal, run_cli

GOOD, BAD, OTHER = "data/so-gddt/truong-thpt", "data/so-y-te/co-so-kham-chua-benh", "data/cuc-thong-ke/dan-so-theo-huyen"


def _portal(tmp_path):
    root = copy_portal(tmp_path / "portal", [GOOD, BAD, OTHER])
    csv = next((root / BAD).glob("*.csv"))
    lines = csv.read_text(encoding="utf-8").splitlines()
    csv.write_text("\n".join([lines[0], lines[1], lines[1], *lines[2:]]) + "\n", encoding="utf-8")  # a row twice
    return root


def _errors(report):
    return [e for task in report["tasks"] for e in task["errors"]]


def _validate(root, *args):
    result = run_cli("validate", "--root", str(root), "--offline", "--format", "json", *args)
    return result.returncode, json.loads(result.stdout)


def test_only_the_named_folders_are_checked(tmp_path):
    root = _portal(tmp_path)
    code, report = _validate(root, GOOD)
    assert code == 0 and report["valid"]
    assert report["stats"]["datasets"] == 1
    code, report = _validate(root, BAD, OTHER)
    assert code == 1
    files = {p["file"] for p in _errors(report)}
    assert files and all(f.startswith(BAD + "/") for f in files)
    assert report["stats"]["datasets"] == 2


def test_a_path_from_the_current_folder_an_agency_folder_or_a_file_names_its_datasets(tmp_path):
    root = _portal(tmp_path)
    result = run_cli("validate", "--offline", "--format", "json", "so-y-te", cwd=root / "data")
    report = json.loads(result.stdout)
    assert result.returncode == 1 and report["stats"]["datasets"] == 1
    csv = next((root / GOOD).glob("*.csv")).relative_to(root)
    code, report = _validate(root, str(csv))
    assert code == 0 and report["stats"]["datasets"] == 1


def test_a_path_that_names_no_dataset_is_an_error_naming_it(tmp_path):
    root = _portal(tmp_path)
    code, report = _validate(root, "data/so-gddt/truong-thcs")
    assert code == 1
    assert [p["file"] for p in _errors(report)] == ["data/so-gddt/truong-thcs"]
    assert "no such folder" in _errors(report)[0]["message_en"]
