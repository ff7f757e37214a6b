"""Stable URLs: a renamed dataset keeps a redirect from its old address (found in git history)."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

import generator.build.pipeline
from generator.publish.downloads import files
from generator.publish import urls
from generator.publish.harvest import json_api
from generator.publish.site import redirects

GIT = ["git", "-c", "user.name=Kiểm thử", "-c", "user.email=test@example.invalid", "-c", "init.defaultBranch=main"]


def git(root: Path, *args: str) -> None:
    subprocess.run([*GIT, *args], cwd=root, check=True, capture_output=True)


def rename(root: Path, old: str, new: str, agency: str = "so-y-te", new_agency: str | None = None) -> None:
    """What an agency does in a pull request: move the folder and change `name` to match."""
    target_agency = new_agency or agency
    (root / "data" / target_agency).mkdir(parents=True, exist_ok=True)
    git(root, "mv", f"data/{agency}/{old}", f"data/{target_agency}/{new}")
    descriptor = root / "data" / target_agency / new / "datapackage.yaml"
    descriptor.write_text(descriptor.read_text(encoding="utf-8").replace(f"name: {old}\n", f"name: {new}\n", 1),
                          encoding="utf-8")
    git(root, "commit", "-qam", f"Đổi tên {old} thành {new}")


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def repo(portal: Path) -> Path:
    git(portal, "init", "-q")
    git(portal, "add", "-A")
    git(portal, "commit", "-qm", "Cổng dữ liệu mẫu")
    return portal


def test_renamed_dataset_is_found_in_history(repo):
    rename(repo, "co-so-kham-chua-benh", "co-so-y-te-cong-lap")
    assert redirects.old_ids(repo) == {"co-so-kham-chua-benh": "co-so-y-te-cong-lap"}


def test_renames_are_followed_through_chains_and_agency_moves(repo):
    rename(repo, "co-so-kham-chua-benh", "co-so-y-te")
    rename(repo, "co-so-y-te", "benh-vien-trung-tam-y-te")
    rename(repo, "truong-thpt", "truong-trung-hoc-pho-thong", agency="so-gddt", new_agency="so-y-te")
    assert redirects.old_ids(repo) == {"co-so-kham-chua-benh": "benh-vien-trung-tam-y-te",
                                       "co-so-y-te": "benh-vien-trung-tam-y-te",
                                       "truong-thpt": "truong-trung-hoc-pho-thong"}


def test_moving_to_another_agency_under_the_same_name_needs_no_redirect(repo):
    rename(repo, "truong-thpt", "truong-thpt", agency="so-gddt", new_agency="so-y-te")
    assert redirects.old_ids(repo) == {}


def test_no_redirect_to_a_withdrawn_dataset_or_over_a_reused_name(repo):
    rename(repo, "co-so-kham-chua-benh", "co-so-y-te")
    git(repo, "rm", "-rq", "data/so-y-te/co-so-y-te")
    git(repo, "commit", "-qm", "Rút bộ dữ liệu")
    rename(repo, "truong-thpt", "truong-thpt-2025", agency="so-gddt")
    shutil.copytree(repo / "data/so-gddt/truong-thpt-2025", repo / "data/so-gddt/truong-thpt")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Bộ dữ liệu mới dùng lại tên cũ")
    assert redirects.old_ids(repo) == {}


def test_outside_git_there_is_nothing_to_redirect(portal):
    assert redirects.old_ids(portal) == {}


@pytest.fixture
def renamed_site(repo, tmp_path):
    rename(repo, "co-so-kham-chua-benh", "co-so-y-te-cong-lap")
    portfolio, _ = generator.build.pipeline.load(repo)
    files.measure(portfolio)
    site = tmp_path / "site"
    files.copy(portfolio, site)
    json_api.write(portfolio, site)
    # Stands in for the dataset page the full build renders (the lead switches this to the real build).
    new = next(d for d in portfolio.datasets if d.id == "co-so-y-te-cong-lap")
    page = site / urls.dataset_page(new.id) / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text(f"<!doctype html><meta charset=utf-8><title>{new.title}</title><h1>{new.title}</h1>",
                    encoding="utf-8")
    written = redirects.write(portfolio, site, redirects.old_ids(repo))
    assert written == ["co-so-kham-chua-benh"]
    return portfolio, site


@pytest.fixture
def served(renamed_site):
    _, site = renamed_site
    handler = functools.partial(Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


def test_old_url_lands_on_the_new_page_in_a_browser(renamed_site, served, page):
    portfolio, site = renamed_site
    page.goto(served + "datasets/co-so-kham-chua-benh/")
    page.wait_for_url(served + "datasets/co-so-y-te-cong-lap/")
    assert page.locator("h1").inner_text() == "Danh sách cơ sở khám bệnh, chữa bệnh công lập tỉnh Vĩnh Phúc"
    old = (site / "datasets/co-so-kham-chua-benh/index.html").read_text(encoding="utf-8")
    base = portfolio.catalog.portal.base_url
    assert f'<link rel="canonical" href="{base}datasets/co-so-y-te-cong-lap/">' in old
    assert '<a href="../co-so-y-te-cong-lap/">' in old  # works without the refresh, too


def test_old_json_says_where_the_data_went(renamed_site):
    portfolio, site = renamed_site
    base = portfolio.catalog.portal.base_url
    moved = json.loads((site / urls.dataset_json("co-so-kham-chua-benh")).read_text(encoding="utf-8"))
    assert moved == {"id": "co-so-y-te-cong-lap", "moved_to": f"{base}api/v1/datasets/co-so-y-te-cong-lap.json",
                     "url": f"{base}datasets/co-so-y-te-cong-lap/"}


def test_a_redirect_never_replaces_a_published_page(renamed_site):
    portfolio, site = renamed_site
    page = site / urls.dataset_page("truong-thpt") / "index.html"
    page.parent.mkdir(parents=True, exist_ok=True)
    page.write_text("trang thật", encoding="utf-8")
    assert redirects.write(portfolio, site, {"truong-thpt": "dan-toc-viet-nam", "khong-co": "khong-ton-tai"}) == []
    assert page.read_text(encoding="utf-8") == "trang thật"
