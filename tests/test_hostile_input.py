"""Hostile descriptors: the gate answers with a report (never a traceback, never "valid"), in bounded
time and memory, and refuses whatever the build would refuse."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import copy_portal, run_cli

DATASET = "data/so-y-te/co-so-kham-chua-benh"


@pytest.fixture
def small(tmp_path) -> Path:
    """The sample portal's catalogue with one dataset: fast to validate and build."""
    return copy_portal(tmp_path / "portal", [DATASET])


def descriptor(root: Path) -> Path:
    return root / DATASET / "datapackage.yaml"


def validate(root: Path):
    result = run_cli("validate", "--root", str(root), "--offline")
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def refused(root: Path, *expected: str) -> str:
    result = validate(root)
    assert result.returncode == 1, result.stdout
    for text in expected:
        assert text in result.stdout, result.stdout
    assert "LỖI/ERROR data/so-y-te/co-so-kham-chua-benh/datapackage.yaml" in result.stdout
    return result.stdout


def append(root: Path, text: str) -> None:
    path = descriptor(root)
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_billion_laughs_is_refused_unexpanded(small):
    lines = ["laughs:", "  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 6):  # 10**6 values once expanded, from 500 bytes
        lines.append(f"  {chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]")
    append(small, "\n".join(lines) + "\n")
    refused(small, "YAML aliases", "bí danh")


@pytest.mark.parametrize("depth", [500, 999, 30_000])
def test_deep_nesting_is_a_report_not_a_recursion_error(small, depth):
    append(small, "deep: " + "[" * depth + "]" * depth + "\n")
    refused(small, "nest")


def test_huge_description_is_refused(small):
    path = descriptor(small)
    text = path.read_text(encoding="utf-8").replace("description: |\n", "description: |\n  " + "dài " * 10_000 + "\n", 1)
    path.write_text(text, encoding="utf-8")
    out = refused(small, "over the 20,000 limit")
    assert "description" in out


def test_oversized_descriptor_file_is_refused_unread(small):
    append(small, "# " + "x" * (3 * 1024 * 1024) + "\n")
    refused(small, "byte limit")


def test_duplicate_key_is_refused_with_its_line(small):
    path = descriptor(small)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(2, "title: Một tên khác do người gửi chèn vào")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = refused(small, "key “title” appears twice", "dòng 3")


def test_a_key_written_with_composed_and_decomposed_accents_is_a_duplicate(small):
    import unicodedata

    key = "ghi chú"
    append(small, f"{unicodedata.normalize('NFC', key)}: một\n{unicodedata.normalize('NFD', key)}: hai\n")
    refused(small, "appears twice")


@pytest.mark.parametrize("value", ['"Cơ sở\\0y tế"', '"Cơ sở\\e[2K\\r✅ Hợp lệ (valid)"', '"abc\\u202Eexe.csv"'])
def test_control_characters_in_metadata_are_refused(small, value):
    path = descriptor(small)
    text = path.read_text(encoding="utf-8").replace("title: Danh sách", f"title: {value}\ntitle_x: Danh sách", 1)
    path.write_text(text.replace("title_x:", "subtitle:"), encoding="utf-8")
    result = validate(small)
    assert result.returncode == 1
    assert "control character" in result.stdout
    assert "\x1b" not in result.stdout and "\x00" not in result.stdout and "\u202e" not in result.stdout
    assert "✅" not in result.stdout.splitlines()[-1]


def test_escape_sequences_quoted_from_files_are_shown_escaped(small):
    # A problem quoting a value from a file must not print the escape sequences it carries.
    path = descriptor(small)
    text = path.read_text(encoding="utf-8").replace("frequency: annual", "frequency: \"x\\n✅ Hợp lệ (valid)\"", 1)
    path.write_text(text, encoding="utf-8")
    result = validate(small)
    assert result.returncode == 1
    assert not any(line.startswith("✅") for line in result.stdout.splitlines())


def test_symlinked_dataset_folder_is_refused(small, tmp_path):
    outside = tmp_path / "outside" / "co-so-kham-chua-benh"
    shutil.move(str(small / DATASET), outside)
    os.symlink(outside, small / DATASET)
    refused_at = validate(small)
    assert refused_at.returncode == 1
    assert "symbolic link" in refused_at.stdout and DATASET in refused_at.stdout
    built = run_cli("build", "--root", str(small), "--out", str(tmp_path / "site"))
    assert built.returncode == 1 and "symbolic link" in built.stderr
    assert not (tmp_path / "site").exists()


def test_symlinked_descriptor_is_refused(small, tmp_path):
    outside = tmp_path / "elsewhere.yaml"
    shutil.move(str(descriptor(small)), outside)
    os.symlink(outside, descriptor(small))
    result = validate(small)
    assert result.returncode == 1 and "symbolic link" in result.stdout


def test_what_the_build_refuses_in_data_json_the_gate_refuses_first(small, tmp_path):
    append(small, "sources:\n  - title: Nguồn\n    path: https://x.example/a?b=<c>\n")
    out = refused(small, "data.json", "references")
    assert "sources" in out
    built = run_cli("build", "--root", str(small), "--out", str(tmp_path / "site"))
    assert built.returncode == 1 and "sources" in built.stderr


# --- opendata build: the output folder, and faults while writing it -------------------------------

def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize("target", ["docs", "data", ".", "data/so-y-te/moi", "catalog/../docs"])
def test_build_refuses_the_portals_own_folders(small, target):
    (small / "docs").mkdir()
    (small / "docs" / "huong-dan.md").write_text("# Hướng dẫn\n", encoding="utf-8")
    before = _tree(small)
    result = run_cli("build", "--root", str(small), "--out", str(small / target))
    assert result.returncode == 1, result.stderr
    assert "--out" in result.stderr and "Cách sửa" in result.stderr and "Traceback" not in result.stderr
    assert _tree(small) == before


def test_build_refuses_an_existing_folder_that_is_not_a_site(small, tmp_path):
    other = tmp_path / "bao-cao"
    other.mkdir()
    (other / "so-lieu.xlsx").write_bytes(b"quan trong")
    result = run_cli("build", "--root", str(small), "--out", str(other))
    assert result.returncode == 1 and "manifest.json" in result.stderr
    assert (other / "so-lieu.xlsx").read_bytes() == b"quan trong"


@pytest.fixture
def built_small(small, tmp_path):
    site = tmp_path / "site"
    result = run_cli("build", "--root", str(small), "--out", str(site))
    assert result.returncode == 0, result.stderr
    again = run_cli("build", "--root", str(small), "--out", str(site))  # a previous site is rebuilt over
    assert again.returncode == 0, again.stderr
    return small, site


def _fails_writing(small: Path, site: Path, capsys, *expected: str) -> None:
    from generator.cli import main

    before = _tree(site)
    assert main(["build", "--root", str(small), "--out", str(site)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and str(site) in err and "Cách sửa" in err and "unchanged" in err
    for text in expected:
        assert text in err
    assert _tree(site) == before
    assert not [p.name for p in site.parent.iterdir() if p.name.startswith(".site.")]


def test_a_full_disk_mid_build_is_an_error_and_keeps_the_site(built_small, monkeypatch, capsys):
    import errno

    from generator.publish.downloads import files

    small, site = built_small

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(site.parent / ".site.staging-x" / "data"))

    monkeypatch.setattr(files, "copy", full)
    _fails_writing(small, site, capsys, os.strerror(errno.ENOSPC))


def test_a_read_only_output_folder_is_an_error_and_keeps_the_site(built_small, monkeypatch, capsys):
    import errno
    import tempfile

    small, site = built_small
    real = tempfile.mkdtemp

    def read_only(*args, **kwargs):
        if Path(kwargs.get("dir") or "") == site.parent:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(site.parent))
        return real(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    _fails_writing(small, site, capsys, os.strerror(errno.EROFS))
