"""Feedback (Article 12.4): from the form to a public answer, spam limits, and issues in the data repository."""

from __future__ import annotations

import http.server
import json
import threading
import time
from typing import Any, Iterator

import pytest
from hypothesis import given, settings, strategies as st

from opendata_function.feedback import redact

from .test_operator import cli

FORM = {"dataset": "co-so-y-te", "category": "quality",
        "message": "Số điện thoại của Trạm y tế xã Đạo Tú bị sai. Gọi tôi: 0912 345 678 hoặc an@example.vn",
        "contact": "Lê Văn An, an@example.vn"}


def test_feedback_life_cycle_from_form_to_public_answer(api, store, capsys):
    r = api.post("/v1/feedback", json=FORM)
    assert r.status_code == 201, r.text
    feedback_id = r.json()["id"]
    assert r.json()["status"] == "received"

    public = api.get("/v1/feedback/co-so-y-te").json()["feedback"]
    assert [(f["id"], f["status"], f["status_name"]["vi"]) for f in public] == [(feedback_id, "received", "Đã tiếp nhận")]
    shown = json.dumps(public, ensure_ascii=False)
    assert "Lê Văn An" not in shown and "an@example.vn" not in shown and "0912 345 678" not in shown
    assert "Trạm y tế xã Đạo Tú" in shown and "[email]" in shown

    # The operator sees everything, contact included, from the CLI and the admin API.
    code, out, _ = cli(store, capsys, "feedback", "list")
    assert code == 0 and "Lê Văn An" in out and "received" in out
    assert api.admin("GET", "/admin/feedback").json()["feedback"][0]["contact"] == "Lê Văn An, an@example.vn"

    assert cli(store, capsys, "feedback", "status", str(feedback_id), "in-progress")[0] == 0
    assert api.get("/v1/feedback/co-so-y-te").json()["feedback"][0]["status"] == "in-progress"
    code, out, _ = cli(store, capsys, "feedback", "answer", str(feedback_id), "--text",
                       "Cảm ơn bạn, Sở Y tế đã sửa số điện thoại trong bản cập nhật ngày 05/3.")
    assert code == 0 and "Đã trả lời" in out
    item = api.get("/v1/feedback/co-so-y-te").json()["feedback"][0]
    assert item["status"] == "answered" and item["answer"].startswith("Cảm ơn bạn") and item["answered"]
    assert api.admin("POST", f"/admin/feedback/{feedback_id}", json={"status": "closed"}).status_code == 200
    assert api.get("/v1/feedback/co-so-y-te").json()["feedback"][0]["status"] == "closed"
    assert api.get("/v1/feedback/dan-so").json()["feedback"] == []

    with store.tx() as tx:
        actions = [(a["action"], a["actor"]) for a in
                   tx.all("SELECT action, actor FROM audit WHERE feedback_id = ? ORDER BY id", (feedback_id,))]
    assert actions == [("feedback-received", "public"), ("feedback-update", "cli:tester"),
                       ("feedback-answer", "cli:tester"), ("feedback-update", "api:tester")]


def test_operator_can_hide_spam_from_the_page(api, store, capsys):
    feedback_id = api.post("/v1/feedback", json={**FORM, "category": "other", "message": "quảng cáo quảng cáo"}
                           ).json()["id"]
    assert cli(store, capsys, "feedback", "hide", str(feedback_id))[0] == 0
    assert api.get("/v1/feedback/co-so-y-te").json()["count"] == 0
    assert cli(store, capsys, "feedback", "show", str(feedback_id))[0] == 0
    assert api.get("/v1/feedback/co-so-y-te").json()["count"] == 1


@pytest.mark.parametrize("change,field", [
    ({"category": "complaint"}, "category"), ({"message": "ok"}, "message"), ({"message": "x" * 4001}, "message"),
    ({"contact": "y" * 201}, "contact"),
])
def test_invalid_feedback_names_the_field(api, change, field):
    r = api.post("/v1/feedback", json={**FORM, **change})
    assert r.status_code == 422 and field in r.json()["error"]["fields"]


def test_feedback_on_an_unknown_dataset_is_404(api):
    r = api.post("/v1/feedback", json={**FORM, "dataset": "khong-co"})
    assert r.status_code == 404 and r.json()["error"]["field"] == "dataset"
    assert api.get("/v1/feedback/khong-co").status_code == 404


def test_spam_limits_honeypot_and_rate(make_api, store):
    api = make_api(feedback_per_hour=3)
    r = api.post("/v1/feedback", json={**FORM, "website": "http://spam.example"})
    assert r.status_code == 201 and r.json()["id"] is None  # looks accepted; nothing stored
    with store.tx() as tx:
        assert tx.one("SELECT COUNT(*) AS n FROM feedback")["n"] == 0
    assert [api.post("/v1/feedback", json=FORM).status_code for _ in range(3)] == [201, 201, 429]
    r = api.post("/v1/feedback", json=FORM)
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert api.post("/v1/feedback", content=b"x" * 70_000, headers={"Content-Type": "application/json"}
                    ).status_code in (413, 429)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_redaction_never_leaves_an_email_or_mobile_number(text):
    out = redact(text + " 0912345678 x@y.vn")
    assert "0912345678" not in out and "x@y.vn" not in out


class FakeGitHub(http.server.BaseHTTPRequestHandler):
    """GitHub's 'create an issue' endpoint on loopback; records what it was sent."""
    received: list[dict[str, Any]] = []
    fail = False

    def do_POST(self) -> None:  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeGitHub.received.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        if FakeGitHub.fail:
            self.send_response(422)
            payload = {"message": "Validation Failed"}
        else:
            self.send_response(201)
            number = len(FakeGitHub.received)
            payload = {"number": number, "html_url": f"https://github.example/so-tttt/du-lieu/issues/{number}"}
        data = json.dumps(payload).encode()
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def github() -> Iterator[str]:
    FakeGitHub.received, FakeGitHub.fail = [], False
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v3"
    server.shutdown()


def test_feedback_opens_an_issue_in_the_data_repository(make_api, github):
    api = make_api(github_token="ghp_test_token", github_repo="so-tttt/du-lieu", github_api=github)
    feedback_id = api.post("/v1/feedback", json=FORM).json()["id"]
    r = api.admin("POST", f"/admin/feedback/{feedback_id}/github")
    assert r.status_code == 200, r.text
    assert r.json()["feedback"]["github_issue"] == "https://github.example/so-tttt/du-lieu/issues/1"
    sent = FakeGitHub.received[0]
    assert sent["path"] == "/api/v3/repos/so-tttt/du-lieu/issues" and sent["auth"] == "Bearer ghp_test_token"
    assert "co-so-y-te" in sent["body"]["title"] and sent["body"]["labels"] == ["feedback", "quality"]
    assert "Đạo Tú" in sent["body"]["body"]
    assert "an@example.vn" not in json.dumps(sent["body"], ensure_ascii=False)  # no personal data on GitHub
    assert "Lê Văn An" not in json.dumps(sent["body"], ensure_ascii=False)
    # Asking again does not open a second issue.
    assert api.admin("POST", f"/admin/feedback/{feedback_id}/github").status_code == 200
    assert len(FakeGitHub.received) == 1
    audit = api.admin("GET", "/admin/audit").json()["audit"]
    assert audit[0]["action"] == "feedback-github" and audit[0]["feedback_id"] == feedback_id


def test_github_failure_is_reported_and_changes_nothing(make_api, github):
    api = make_api(github_token="ghp_test_token", github_repo="so-tttt/du-lieu", github_api=github)
    FakeGitHub.fail = True
    feedback_id = api.post("/v1/feedback", json=FORM).json()["id"]
    r = api.admin("POST", f"/admin/feedback/{feedback_id}/github")
    assert r.status_code == 502 and "422" in r.json()["error"]["en"]
    assert api.admin("GET", "/admin/feedback").json()["feedback"][0]["github_issue"] == ""


def test_every_feedback_can_open_an_issue_automatically(make_api, github):
    api = make_api(github_token="ghp_test_token", github_repo="so-tttt/du-lieu", github_api=github, github_auto=True)
    api.post("/v1/feedback", json=FORM)
    deadline = time.monotonic() + 10  # the issue is opened after the answer is sent: the visitor never waits
    while not (item := api.admin("GET", "/admin/feedback").json()["feedback"][0])["github_issue"]:
        assert time.monotonic() < deadline, "no issue opened"
        time.sleep(0.05)
    assert item["github_issue"].endswith("/issues/1") and len(FakeGitHub.received) == 1


def test_without_a_token_no_issue_is_opened(api):
    feedback_id = api.post("/v1/feedback", json=FORM).json()["id"]
    r = api.admin("POST", f"/admin/feedback/{feedback_id}/github")
    assert r.status_code == 502 and "OPENDATA_GITHUB_TOKEN" in r.json()["error"]["en"]
