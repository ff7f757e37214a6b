"""Bad input stops the build with a message that names the file and what to fix; the last good site stays."""

import os
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import copy_portal, run_cli


def _descriptor(portal: Path, agency: str | None = None) -> Path:
    paths = sorted(portal.glob(f"data/{agency or '*'}/*/datapackage.yaml"))
    return paths[0]


def _edit(path: Path, **changes) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return data


def _snapshot(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}


def _build(portal: Path):
    return run_cli("build", "--root", str(portal), "--out", str(portal / "site"))


@pytest.fixture(scope="session")
def good_portal(tmp_path_factory) -> Path:
    """The sample portal and its built site, built once: each test breaks a copy of it."""
    portal = copy_portal(tmp_path_factory.mktemp("good") / "portal")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OPENDATA_CACHE", str(tmp_path_factory.mktemp("good-cache")))
        result = _build(portal)
    assert result.returncode == 0, result.stderr
    return portal


@pytest.fixture
def built_portal(good_portal, tmp_path):
    portal = tmp_path / "portal"
    shutil.copytree(good_portal, portal, symlinks=True)
    return portal, _snapshot(portal / "site")


def _fails_and_keeps_site(portal: Path, before: dict, *expected: str) -> str:
    result = _build(portal)
    assert result.returncode == 1, result.stdout + result.stderr
    for text in expected:
        assert text in result.stderr
    assert "Cách sửa" in result.stderr and "Fix:" in result.stderr
    assert _snapshot(portal / "site") == before, "a failed build changed the published site"
    assert not [p for p in portal.iterdir() if p.name.startswith(".site.")], "staging folder left behind"
    return result.stderr


def test_broken_descriptor_names_file_and_line(built_portal):
    portal, before = built_portal
    d = _descriptor(portal)
    d.write_text(d.read_text(encoding="utf-8") + "\nresources: [unclosed\n", encoding="utf-8")
    err = _fails_and_keeps_site(portal, before, str(d.relative_to(portal)), "YAML")
    assert "dòng" in err


def test_yaml_tag_that_builds_objects_is_refused(built_portal):
    portal, before = built_portal
    d = _descriptor(portal)
    d.write_text("!!python/object/apply:os.system ['echo pwned']\n", encoding="utf-8")
    _fails_and_keeps_site(portal, before, str(d.relative_to(portal)), "YAML tag not allowed")


def test_unknown_catalogue_code(built_portal):
    portal, before = built_portal
    d = _descriptor(portal)
    _edit(d, catalogue="VP-KHONG-999")
    _fails_and_keeps_site(portal, before, str(d.relative_to(portal)), "VP-KHONG-999",
                          "not in the approved catalogue")


def test_catalogue_code_of_another_agency(built_portal):
    portal, before = built_portal
    catalogue = yaml.safe_load((portal / "catalog/catalogue.yaml").read_text(encoding="utf-8"))
    d = _descriptor(portal)
    agency = d.parent.parent.name
    other = next(e for e in catalogue["entries"] if e["agency"] != agency)
    _edit(d, catalogue=other["code"])
    _fails_and_keeps_site(portal, before, str(d.relative_to(portal)), other["code"],
                          f"belongs to agency “{other['agency']}”, not “{agency}”")


def test_missing_file(built_portal):
    portal, before = built_portal
    d = next(p for p in sorted(portal.glob("data/*/*/datapackage.yaml"))
             if any(not str(r["path"]).startswith("http") for r in yaml.safe_load(p.read_text("utf-8"))["resources"]))
    resource = next(r for r in yaml.safe_load(d.read_text("utf-8"))["resources"] if not str(r["path"]).startswith("http"))
    (d.parent / resource["path"]).unlink()
    _fails_and_keeps_site(portal, before, str(d.relative_to(portal)), resource["path"], "is missing")


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "/etc/passwd"])
def test_path_outside_the_dataset_folder(built_portal, path):
    portal, before = built_portal
    d = _descriptor(portal)
    data = yaml.safe_load(d.read_text("utf-8"))
    data["resources"][0]["path"] = path
    d.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _fails_and_keeps_site(portal, before, str(d.relative_to(portal)), "leaves the dataset folder")


def test_symlinked_file_is_refused(built_portal):
    portal, before = built_portal
    d = next(p for p in sorted(portal.glob("data/*/*/datapackage.yaml"))
             if any(not str(r["path"]).startswith("http") for r in yaml.safe_load(p.read_text("utf-8"))["resources"]))
    resource = next(r for r in yaml.safe_load(d.read_text("utf-8"))["resources"] if not str(r["path"]).startswith("http"))
    target = d.parent / resource["path"]
    target.unlink()
    os.symlink("/etc/hostname", target)
    _fails_and_keeps_site(portal, before, str(d.relative_to(portal)), "symbolic link")


def test_folder_of_unknown_agency(built_portal):
    portal, before = built_portal
    d = _descriptor(portal)
    (portal / "data" / "so-khong-co").mkdir()
    d.parent.rename(portal / "data" / "so-khong-co" / d.parent.name)
    _fails_and_keeps_site(portal, before, "data/so-khong-co", "is not an agency id")


def test_every_error_of_a_build_is_reported_at_once(built_portal):
    portal, before = built_portal
    first, second = sorted(portal.glob("data/*/*/datapackage.yaml"))[:2]
    _edit(first, catalogue="VP-SAI-001")
    _edit(second, catalogue="VP-SAI-002")
    _fails_and_keeps_site(portal, before, "VP-SAI-001", "VP-SAI-002")


def test_usage_error_exits_2():
    result = run_cli("build", "--no-such-flag")
    assert result.returncode == 2


@pytest.mark.parametrize("broken", ["nav: [\n", "theme: {name: khong-co-theme}\n"])
def test_broken_mkdocs_configuration_is_named_not_a_traceback(built_portal, broken):
    portal, before = built_portal
    with (portal / "mkdocs.yml").open("a", encoding="utf-8") as f:
        f.write(broken)
    stderr = _fails_and_keeps_site(portal, before, "LỖI/ERROR mkdocs.yml", "MkDocs could not build the pages")
    assert "Traceback" not in stderr
