from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# The design, the standards' shapes and schemas, and real public files (fixtures/real, fixtures/office) live in
# ../shared beside the project; OPENDATA_SHARED points elsewhere. Tests reach them only through `shared()`.
SHARED_DIR = Path(os.environ.get("OPENDATA_SHARED") or ROOT.parent / "shared")
SCREENSHOTS = ROOT / "tests" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def shared(*parts: str) -> Path:
    """A file or folder of the shared material; a clear failure (not an import error, not a skip) when missing."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"shared fixture missing: {path}\n  The tests read real files from ../shared beside the project "
                    "(or the folder OPENDATA_SHARED names): put the shared folder there and run again.", pytrace=False)
    return path


def shared_names(folder: str, pattern: str = "*") -> list[str]:
    """File names in a shared folder, for parametrize. When the folder is missing: one placeholder, whose test
    then fails through `shared()` instead of silently collecting nothing."""
    directory = SHARED_DIR / folder
    if not directory.is_dir():
        return [f"missing {directory}"]
    return sorted(p.name for p in directory.glob(pattern))


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the `opendata` command as a user would."""
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def copy_portal(target: Path, datasets: list[str] | None = None) -> Path:
    """A copy of the sample portal to break on purpose (outside git: times come from files); with
    `datasets` (data/<agency>/<id> folders), only those: fast to validate and build."""
    for name in ("catalog", "theme", *(["data"] if datasets is None else [])):
        shutil.copytree(ROOT / name, target / name, symlinks=True)
    for folder in datasets or []:
        shutil.copytree(ROOT / folder, target / folder, symlinks=True)
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    return target


@pytest.fixture(autouse=True)
def build_cache(tmp_path_factory, monkeypatch) -> Path:
    """Each test's builds share a cache of their own, never the repository's .cache/ nor another test's: a test
    that patches a check must see it run."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("OPENDATA_CACHE", str(folder))
    return folder


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Path:
    """The sample portal, built once for the whole session with the real command."""
    out = tmp_path_factory.mktemp("built") / "site"
    result = run_cli("build", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def portal(tmp_path) -> Path:
    return copy_portal(tmp_path / "portal")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(_Quiet, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    pg = context.new_page()
    pg.console_errors = []
    pg.on("console", lambda m: pg.console_errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.console_errors.append(str(e)))
    yield pg
    context.close()


def git(root: Path, *args: str) -> None:
    """git in a test portal, as a committer of its own."""
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args], cwd=root, check=True,
                   capture_output=True)


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
