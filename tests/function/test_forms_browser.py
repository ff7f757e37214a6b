"""The registration and feedback forms in a real browser, on a site origin other than the function's (CORS)."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
from pathlib import Path
from typing import Iterator

import jinja2
import pytest

from generator import i18n

from .conftest import ROOT_DIR

STATIC = ROOT_DIR / "function" / "static"
SCREENSHOTS = ROOT_DIR / "tests" / "screenshots"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def site_server(tmp_path) -> Iterator[tuple[str, Path]]:
    """A static host for the portal's pages (the function runs elsewhere)."""
    root = tmp_path / "www"
    (root / "assets").mkdir(parents=True)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", root
    httpd.shutdown()


def test_registration_form_to_first_query(make_api, site_server, page):
    origin, root = site_server
    api = make_api(allowed_origins=[origin])
    for name in ("register.js", "odp-forms.css"):
        shutil.copy(STATIC / name, root / name)
    html = (STATIC / "register.html").read_text(encoding="utf-8")
    (root / "register.html").write_text(html.replace('name="opendata-function" content=""',
                                                     f'name="opendata-function" content="{api.url}"'), encoding="utf-8")
    page.goto(f"{origin}/register.html")
    page.fill("input[name=full_name]", "Phạm Minh Đức")
    page.fill("input[name=address]", "Số 10 Trần Phú, Phúc Yên")
    page.fill("input[name=email]", "duc@example.vn")
    page.fill("input[name=phone]", "12345")
    page.click("button[type=submit]")
    phone_error = page.locator('.odp-error[data-for="phone"]')
    phone_error.wait_for()
    assert "Số điện thoại không hợp lệ" in phone_error.inner_text()
    assert "điều khoản" in page.locator('.odp-error[data-for="accept_terms"]').inner_text()

    page.fill("input[name=phone]", "0977 123 456")
    page.check("input[name=accept_terms]")
    page.click("button[type=submit]")
    page.locator("#odp-key").wait_for()
    key = page.input_value("#odp-key-value")
    assert key.startswith("odp_") and "Lưu khóa này ngay" in page.inner_text("#odp-key")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "function-register.png"), full_page=True)
    # The browser logs the refused first try (422) itself; nothing else may fail.
    assert [e for e in page.console_errors if "422" not in e] == []
    r = api.get("/v1/datasets/co-so-y-te/co-so", key, params={"ten__contains": "ha noi"})
    assert r.status_code == 200 and len(r.json()["rows"]) == 2


def test_feedback_widget_from_form_to_public_answer(make_api, site_server, page):
    origin, root = site_server
    api = make_api(allowed_origins=[origin])
    shutil.copy(STATIC / "feedback.js", root / "assets" / "feedback.js")
    shutil.copy(STATIC / "odp-forms.css", root / "assets" / "odp-forms.css")
    # Rendered as the site's build renders it: Jinja2, autoescaped, the interface words from the catalogues.
    env = jinja2.Environment(autoescape=True)
    env.globals.update(i18n.template_globals())
    snippet = env.from_string((STATIC / "feedback-snippet.html").read_text(encoding="utf-8")).render(
        dataset={"id": "co-so-y-te"}, function_url=api.url, mailto="mailto:syt@example.vn", base_url="/")
    (root / "dataset.html").write_text(
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cơ sở y tế</title>'
        '<link rel="icon" href="data:,"><link rel="stylesheet" href="/assets/odp-forms.css"></head><body><main class="odp-page">'
        f"<h1>Cơ sở y tế</h1>{snippet}</main></body></html>", encoding="utf-8")
    page.goto(f"{origin}/dataset.html")
    page.locator(".odp-feedback-empty").wait_for()
    page.select_option("select[name=category]", "format")
    page.fill("textarea[name=message]", "Xin công bố thêm bản CSV của bảng này. Liên hệ 0912 345 678.")
    page.fill("input[name=contact]", "Trần Văn Hùng <hung@example.vn>")
    page.click(".odp-feedback-form button[type=submit]")
    page.locator("text=Cảm ơn bạn").wait_for()
    page.locator(".odp-feedback-item").wait_for()

    feedback_id = api.admin("GET", "/admin/feedback").json()["feedback"][0]["id"]
    api.admin("POST", f"/admin/feedback/{feedback_id}", json={"answer": "Đã bổ sung bản CSV ngày 10/3."})
    page.reload()
    page.locator(".odp-feedback-answer").wait_for()
    text = page.inner_text(".odp-feedback")
    assert "Đã bổ sung bản CSV" in text and "Đã trả lời" in text and "Định dạng" in text
    assert "hung@example.vn" not in text and "Trần Văn Hùng" not in text and "0912 345 678" not in text
    page.screenshot(path=str(SCREENSHOTS / "function-feedback.png"), full_page=True)
    assert page.console_errors == []
