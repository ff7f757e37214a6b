"""A dataset's version history, computed at build time from git: each change to its files with what
changed in the data (rows added, removed, changed; columns added or removed), newest first, in
words for the public (no commit messages); and the date of each file."""

from __future__ import annotations

import os
import subprocess

import pytest
import yaml

from conftest import copy_portal

from generator.build.pipeline import build, load
from generator.publish.discovery import history

ETHNIC = "data/cuc-thong-ke/dan-toc-viet-nam"
ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.vn", "GIT_COMMITTER_NAME": "t",
       "GIT_COMMITTER_EMAIL": "t@example.vn"}


def _commit(root, message, when):
    env = {**ENV, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", message], cwd=root, check=True, env=env)


@pytest.fixture
def repo(tmp_path):
    root = copy_portal(tmp_path / "portal")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    _commit(root, "first version", "2025-01-10T09:00:00+07:00")
    table = root / ETHNIC / "dan-toc.csv"
    lines = table.read_text("utf-8").splitlines()
    header, rows = lines[0], lines[1:]
    rows = [r.replace("Vietic", "Viet-Muong") if r.startswith("Chứt,") else r for r in rows]  # one changed
    rows = [r for r in rows if not r.startswith("Thổ,")]  # one removed
    rows.append("Dân tộc mới,Khác,Other")  # one added
    table.write_text("\n".join([header + ",ghi_chu", *[r + "," for r in rows]]) + "\n", encoding="utf-8")
    descriptor = root / ETHNIC / "datapackage.yaml"
    data = yaml.safe_load(descriptor.read_text("utf-8"))
    data["resources"][-1]["schema"]["fields"].append({"name": "ghi_chu", "type": "string", "title": "Ghi chú"})
    descriptor.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    _commit(root, "fix: refactor csv loader (PR #12)", "2025-03-05T09:00:00+07:00")
    return root


def test_history_counts_rows_and_columns_of_each_change_newest_first(repo):
    portfolio, _ = load(repo)
    found = history.read(repo, portfolio)
    changes = found.changes["dan-toc-viet-nam"]
    assert [c.when[:10] for c in changes] == ["2025-03-05", "2025-01-10"]
    table = next(f for f in changes[0].files if f.path == "dan-toc.csv")
    assert (table.rows_added, table.rows_removed, table.rows_changed) == (1, 1, 1)  # matched on the primary key
    assert table.columns_added == ["ghi_chu"] and table.columns_removed == []
    assert history.describe(table, "vi") == "dan-toc.csv: thêm 1 dòng; bớt 1 dòng; sửa 1 dòng; thêm cột ghi_chu."
    assert history.describe(table, "en") == ("dan-toc.csv: 1 rows added; 1 rows removed; 1 rows changed; "
                                             "columns added: ghi_chu.")
    first = next(f for f in changes[1].files if f.path == "dan-toc.csv")
    rows = len((repo / ETHNIC / "dan-toc.csv").read_text("utf-8").splitlines()) - 1
    assert first.kind == "added" and first.rows == rows  # one row removed and one added since
    assert found.file_dates[("dan-toc-viet-nam", "dan-toc.csv")].startswith("2025-03-05")
    assert found.file_dates[("chi-so-gia-tieu-dung-2024", "chi-so-gia-tieu-dung-2024.csv")].startswith("2025-01-10")


def test_the_dataset_page_shows_the_changes_not_the_commit_messages(repo, tmp_path):
    build(repo, tmp_path / "site")
    page = (tmp_path / "site/datasets/dan-toc-viet-nam/index.html").read_text("utf-8")
    section = page[page.index('id="lich-su"'):page.index('id="trich-dan"')]
    assert "dan-toc.csv: thêm 1 dòng; bớt 1 dòng; sửa 1 dòng; thêm cột ghi_chu." in section
    assert "refactor" not in section and "PR #12" not in section and "first version" not in section
    assert section.index("05/03/2025") < section.index("10/01/2025")
    resources = page[page.index('id="tai-nguyen"'):page.index('id="tu-dien"')]
    assert '<time datetime="2025-03-05T09:00:00+07:00">05/03/2025</time>' in resources


def test_history_holding_few_parsed_tables_counts_the_same(repo, monkeypatch):
    """The parsed versions kept for later comparisons are bounded (a large portal's history is not held in
    memory at once); holding one at a time counts every change alike."""
    from generator.build.cache import Cache

    portfolio, _ = load(repo)
    whole = history.read(repo, portfolio, Cache(None))
    monkeypatch.setattr(history, "KEPT_CELLS", 1)
    assert history.read(repo, portfolio, Cache(None)) == whole
