"""The function's forms on the built site (Articles 6.2 and 12.4), in a real Chromium.

The portal runs as a user runs it: `opendata serve` builds the sample portal and serves it with the
function beside it. A visitor registers for an API key from the site's page and queries with it; another
sends feedback from a dataset page, the operator answers with `opendata keys feedback`, and the answer
appears on the page without the visitor's contact. Without `function_url` the site keeps mailing.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, SCREENSHOTS, run_cli

CPI = "chi-so-gia-tieu-dung-2024"  # Cục Thống kê's consumer price index: one CSV table with a Table Schema


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, key: str | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"} if key else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


@dataclass
class Served:
    site: str  # http://127.0.0.1:PORT/
    function: str  # http://127.0.0.1:PORT (no trailing slash)
    database_url: str
    out: Path

    def keys(self, *args: str) -> subprocess.CompletedProcess:
        """The operator's command, as docs/function.md shows it."""
        return run_cli("keys", "--database-url", self.database_url, *args)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("served")
    site_port, function_port = _free_port(), _free_port()
    database_url = f"sqlite:///{tmp / 'function.db'}"
    log = (tmp / "serve.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--out", str(tmp / "site"), "--port", str(site_port),
         "--function-port", str(function_port)],
        cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": database_url})
    site, function = f"http://127.0.0.1:{site_port}/", f"http://127.0.0.1:{function_port}"
    try:
        deadline = time.monotonic() + 240
        while True:
            if process.poll() is not None:
                log.seek(0)
                pytest.fail(f"opendata serve stopped (exit {process.returncode}):\n{log.read()[-4000:]}")
            try:
                if _get(function + "/health")[0] == 200 and _get(site)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("opendata serve did not answer within 240 s")
            time.sleep(0.5)
        yield Served(site, function, database_url, tmp / "site")
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_register_from_the_site_key_shown_once_then_it_queries(page, served):
    # A developer reading a dataset's API section follows the link to the registration page.
    page.goto(served.site + f"datasets/{CPI}/")
    page.locator("#api a", has_text="đăng ký tài khoản API").click()
    page.wait_for_url(served.site + "dang-ky-api/")
    assert page.locator("nav.od-nav a[aria-current=page]").inner_text() == "API"
    assert page.locator('meta[name="opendata-function"]').get_attribute("content") == served.function
    terms = page.locator("#odp-register a.odp-terms")
    assert terms.evaluate("a => a.href") == served.site + "terms/"

    page.fill("input[name=full_name]", "Phạm Minh Đức")
    page.fill("input[name=address]", "Số 10 Trần Phú, phường Hùng Vương, Phúc Yên")
    page.fill("input[name=email]", "duc.pham@example.vn")
    page.fill("input[name=phone]", "0977 123 456")
    page.fill("input[name=organisation]", "Hợp tác xã Dữ liệu Phúc Yên")
    page.click("#odp-register button[type=submit]")
    # Without accepting the terms nothing is created.
    error = page.locator('.odp-error[data-for="accept_terms"]')
    error.wait_for()
    assert "điều khoản" in error.inner_text()
    page.check("input[name=accept_terms]")
    page.click("#odp-register button[type=submit]")
    page.locator("#odp-key").wait_for()
    key = page.input_value("#odp-key-value")
    assert key.startswith("odp_")
    assert "Lưu khóa này ngay" in page.inner_text("#odp-key")
    assert page.locator("#odp-register").is_hidden()
    _shot(page, "site-register")
    # The browser logs the refused first try (422) itself; nothing else may fail.
    assert [e for e in page.console_errors if "422" not in e] == []

    # Shown once: the page, opened again, has the empty form and no key anywhere.
    page.reload()
    page.locator("#odp-register").wait_for()
    assert page.locator("#odp-key").is_hidden() and key not in page.content()

    # The key opens the keyed API on the function the site points at.
    status, body = _get(f"{served.function}/v1/datasets/{CPI}/{CPI}?_limit=3&_count=true", key)
    assert status == 200, body
    answer = json.loads(body)
    rows = list(csv_rows(served.out))
    assert answer["total"] == len(rows) and len(answer["rows"]) == 3
    assert _get(f"{served.function}/v1/datasets/{CPI}/{CPI}?_limit=3")[0] == 401


def csv_rows(site: Path):
    import csv

    with (site / f"datasets/{CPI}/files/{CPI}.csv").open(encoding="utf-8-sig") as fh:
        yield from csv.DictReader(fh)


def test_feedback_from_a_dataset_page_answered_by_the_operator(page, served):
    page.goto(served.site + f"datasets/{CPI}/")
    # The button at the top leads to the form on the page, no longer to a mail.
    assert page.locator(".od-actions a", has_text="Gửi góp ý").get_attribute("href") == "#gop-y"
    form = page.locator("#gop-y .odp-feedback-form")
    form.wait_for()
    page.locator("#gop-y .odp-feedback-empty").wait_for()
    page.select_option("#gop-y select[name=category]", "format")
    message = "Xin công bố thêm chỉ số theo từng huyện. Liên hệ 0912 345 678."
    page.fill("#gop-y textarea[name=message]", message)
    page.fill("#gop-y input[name=contact]", "Trần Văn Hùng <hung@example.vn>")
    page.click("#gop-y .odp-feedback-form button[type=submit]")
    page.locator("#gop-y", has_text="Cảm ơn bạn").wait_for()
    page.locator("#gop-y .odp-feedback-item").wait_for()

    # The operator sees it, with the contact, and answers from the command line.
    listed = served.keys("feedback", "list", "--dataset", CPI, "--json")
    assert listed.returncode == 0, listed.stderr
    item = next(f for f in json.loads(listed.stdout) if f["message"] == message)
    assert item["category"] == "format" and item["contact"] == "Trần Văn Hùng <hung@example.vn>"
    answered = served.keys("feedback", "answer", str(item["id"]), "--text",
                           "Cục Thống kê sẽ công bố chỉ số theo huyện từ quý sau.")
    assert answered.returncode == 0, answered.stderr

    page.reload()
    page.locator("#gop-y .odp-feedback-answer").wait_for()
    text = page.inner_text("#gop-y")
    assert "Cục Thống kê sẽ công bố chỉ số theo huyện" in text and "Đã trả lời" in text and "Định dạng" in text
    assert "hung@example.vn" not in text and "Trần Văn Hùng" not in text and "0912 345 678" not in text
    _shot(page, "site-feedback")
    assert page.console_errors == []


def test_without_javascript_the_feedback_form_leaves_a_mail(browser, served):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(served.site + f"datasets/{CPI}/")
        links = page.locator("#gop-y a[href^='mailto:']")
        assert links.count() == 1 and links.first.is_visible()
        assert links.first.get_attribute("href").startswith("mailto:ctk@vinhphuc.gov.vn?subject=")
        assert page.locator("#gop-y form").count() == 0
    finally:
        context.close()


def test_without_function_url_the_site_mails_and_has_no_form(page, site, server):
    # The sample portal sets no function_url: the session's site is built as a portal without the function.
    assert "function_url" not in yaml.safe_load((ROOT / "catalog/portal.yaml").read_text(encoding="utf-8"))
    page.goto(server + f"datasets/{CPI}/")
    top = page.locator(".od-actions a", has_text="Gửi góp ý").get_attribute("href")
    bottom = page.locator("#gop-y a.od-button").get_attribute("href")
    assert top == bottom and top.startswith("mailto:ctk@vinhphuc.gov.vn?subject=")
    assert page.locator("form.odp-feedback-form, .odp-feedback, meta[name=opendata-function]").count() == 0
    assert not (site / "assets" / "feedback.js").exists() and not (site / "assets" / "register.js").exists()

    # The API page says how to ask the operator for an account instead of showing a form that cannot work.
    page.goto(server + "dang-ky-api/")
    assert page.locator("#odp-register").count() == 0
    ask = page.locator("[data-od-api-mailto]").get_attribute("href")
    assert ask.startswith("mailto:stttt@vinhphuc.gov.vn?subject=") and "body=" in ask
    assert page.console_errors == []


def _set_function_url(portal: Path, value) -> None:
    path = portal / "catalog" / "portal.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["function_url"] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@pytest.mark.parametrize("value, expected", [
    ("api.opendata.vinhphuc.gov.vn", "https://"),
    ("ftp://api.opendata.vinhphuc.gov.vn", "https://"),
    ("https://api.opendata.vinhphuc.gov.vn/?key=1", "#…"),
    ("http://api.opendata.vinhphuc.gov.vn", "https://"),  # an https portal cannot post to http
    ('https://api.opendata.vinhphuc.gov.vn/"><script>', "https://"),
])
def test_a_bad_function_url_stops_the_build_naming_file_and_key(portal, value, expected):
    _set_function_url(portal, value)
    result = run_cli("build", "--root", str(portal), "--out", str(portal / "site"))
    assert result.returncode == 1
    assert "catalog/portal.yaml: function_url" in result.stderr and expected in result.stderr
    assert "Cách sửa" in result.stderr and "Fix:" in result.stderr
    assert not (portal / "site").exists()


def test_function_url_from_portal_yaml_reaches_every_dataset_page(portal):
    _set_function_url(portal, "https://api.opendata.vinhphuc.gov.vn/")
    result = run_cli("build", "--root", str(portal), "--out", str(portal / "site"))
    assert result.returncode == 0, result.stderr
    site = portal / "site"
    for page in sorted(site.glob("datasets/*/index.html")):
        text = page.read_text(encoding="utf-8")
        if "od-withdrawn" in text or 'http-equiv="refresh"' in text:
            continue
        assert '<meta name="opendata-function" content="https://api.opendata.vinhphuc.gov.vn">' in text, page
        assert 'data-function-url="https://api.opendata.vinhphuc.gov.vn"' in text, page
    manifest = json.loads((site / "manifest.json").read_text(encoding="utf-8"))
    listed = {f["path"] for f in manifest["files"]}
    assert {"assets/feedback.js", "assets/register.js", "assets/odp-forms.css"} <= listed
    # One source of truth: the site carries the function's own files, byte for byte.
    for name in ("feedback.js", "register.js", "odp-forms.css"):
        assert (site / "assets" / name).read_bytes() == (ROOT / "function" / "static" / name).read_bytes()


def test_serve_gives_the_function_local_defaults_under_the_environment(tmp_path):
    from generator.commands.serve import function_env

    env = function_env(tmp_path / "site", tmp_path, ["http://127.0.0.1:8000"],
                       env={"OPENDATA_SITE": "/srv/elsewhere", "OPENDATA_ALLOWED_ORIGINS": "https://opendata.example.vn"})
    assert env["OPENDATA_SITE"] == str((tmp_path / "site").resolve())  # always the site being served
    assert env["DATABASE_URL"] == f"sqlite:///{(tmp_path / 'local' / 'function.db').resolve()}"
    assert env["OPENDATA_ALLOWED_ORIGINS"].split(",") == ["https://opendata.example.vn", "http://127.0.0.1:8000"]
    chosen = function_env(tmp_path / "site", tmp_path, [], env={"DATABASE_URL": "postgresql://u@db/portal"})
    assert chosen["DATABASE_URL"] == "postgresql://u@db/portal"
    # The local store never shows up as a change to commit.
    ignored = subprocess.run(["git", "check-ignore", "-q", "local/function.db"], cwd=ROOT)
    assert ignored.returncode == 0


def _english(page, served):
    page.goto(served.site + "terms/")
    page.evaluate("localStorage.setItem('od-lang', 'en')")


def _tied_error(page, field):
    """The error text a screen reader announces for `field` (aria-describedby), and whether it is invalid."""
    return page.evaluate("""el => ({text: el.getAttribute('aria-describedby').split(' ')
        .map(id => document.getElementById(id).textContent).join(' ').trim(), invalid: el.getAttribute('aria-invalid')})""",
                         page.locator(field).element_handle())


AXE = ROOT / ".venv/npm/node_modules/axe-core/axe.min.js"


def _serious(page):
    page.add_script_tag(path=str(AXE))
    return page.evaluate("""async () => (await axe.run(document)).violations
        .filter(v => v.impact === "serious" || v.impact === "critical").map(v => v.id)""")


@pytest.mark.parametrize("width", [1366, 390])
def test_registration_form_in_english_errors_tied_to_fields_and_focused(browser, served, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    _english(page, served)
    page.goto(served.site + "dang-ky-api/")
    form = page.locator("#odp-register")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("label[for=odp-full_name]").inner_text() == "Full name"
    assert form.locator("button[type=submit]").inner_text() == "Register"
    assert "Họ và tên" not in form.inner_text() and "(" not in form.locator("label").first.inner_text()
    page.fill("input[name=full_name]", "Phạm Minh Đức")
    page.fill("input[name=address]", "Số 10 Trần Phú, Phúc Yên")
    page.fill("input[name=email]", "duc.pham@example.vn")
    page.fill("input[name=phone]", "12345")
    page.click("#odp-register button[type=submit]")
    page.locator('.odp-error[data-for="phone"]').wait_for()
    phone = _tied_error(page, "input[name=phone]")
    assert phone["invalid"] == "true" and phone["text"] and not any(c in phone["text"] for c in "ạốệữ")
    assert phone["text"].startswith("Invalid phone number")  # words, not a raw field name
    terms = _tied_error(page, "input[name=accept_terms]")
    assert "terms" in terms["text"].lower()
    # Focus on the first field in error, in the form's order.
    assert page.evaluate("document.activeElement.name") == "phone"
    alert = form.locator(".odp-alert").inner_text()
    assert alert and "phone:" not in alert and "accept_terms" not in alert
    assert _serious(page) == []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"site-register-errors-{width}-en.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_feedback_form_follows_the_page_language_errors_in_words(browser, served, lang):
    context = browser.new_context(viewport={"width": 390, "height": 900}, is_mobile=True)
    page = context.new_page()
    page.goto(served.site + "terms/")
    page.evaluate(f"localStorage.setItem('od-lang', '{lang}')")
    page.goto(served.site + f"datasets/{CPI}/")
    form = page.locator("#gop-y .odp-feedback-form")
    form.wait_for()
    words = form.inner_text()
    if lang == "en":
        assert "Category" in words and "Message" in words and "Send feedback" in page.inner_text("#gop-y")
        assert "Gửi góp ý" not in page.inner_text("#gop-y") and "Nội dung" not in words
    else:
        assert "Loại góp ý" in words and "Nội dung" in words and "(Message)" not in words and "Send" not in words
    page.fill("#gop-y textarea[name=message]", "ab")  # too short
    page.click("#gop-y .odp-feedback-form button[type=submit]")
    page.locator('#gop-y .odp-error[data-for="message"]:not(:empty)').wait_for()
    message = _tied_error(page, "#gop-y textarea[name=message]")
    assert message["invalid"] == "true" and not message["text"].startswith("message")
    assert ("characters" in message["text"]) == (lang == "en") and ("ký tự" in message["text"]) == (lang == "vi")
    assert page.evaluate("document.activeElement.name") == "message"
    assert not page.locator("#gop-y .odp-alert").inner_text().startswith("message")
    assert _serious(page) == []
    page.screenshot(path=str(SCREENSHOTS / f"site-feedback-errors-390-{lang}.png"), full_page=True)
    context.close()
