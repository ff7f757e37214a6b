"""Two builds of one commit are byte-identical; `opendata verify` names any file that differs."""

import filecmp
import json

from conftest import run_cli


def _tree(site):
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())


def test_two_builds_of_one_commit_are_byte_identical(site, tmp_path):
    again = tmp_path / "again"
    assert run_cli("build", "--out", str(again)).returncode == 0
    assert _tree(site) == _tree(again)
    match, mismatch, errors = filecmp.cmpfiles(site, again, _tree(site), shallow=False)
    assert mismatch == [] and errors == []


def test_verify_passes_on_a_fresh_build(site):
    result = run_cli("verify", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    files = len(json.loads((site / "manifest.json").read_text())["files"])
    assert f"{files} tệp" in result.stdout


def test_verify_names_changed_missing_and_unlisted_files(tmp_path):
    site = tmp_path / "site"
    assert run_cli("build", "--out", str(site)).returncode == 0
    manifest = json.loads((site / "manifest.json").read_text())
    csv = next(f["path"] for f in manifest["files"] if f["path"].endswith(".csv"))
    with open(site / csv, "ab") as fh:
        fh.write(b"tampered,row\n")
    (site / "api/v1/catalog.json").unlink()
    (site / "datasets" / "extra.html").write_text("<p>not published by the build</p>")
    result = run_cli("verify", str(site))
    assert result.returncode == 1
    assert f"CHANGED {csv}" in result.stdout
    assert "MISSING api/v1/catalog.json" in result.stdout
    assert "UNLISTED datasets/extra.html" in result.stdout
