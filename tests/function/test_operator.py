"""The operator's actions (6.2c-e), by CLI and by admin API, each with its audit entry; usage export."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys

from opendata_function.operator_cli import main

ROWS = "/v1/datasets/co-so-y-te/co-so"


def cli(store, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--database-url", store.url, "--actor", "tester", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def key_in(text: str) -> str:
    match = re.search(r"odp_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", text)
    assert match, text
    return match.group(0)


def audit_actions(store, account_id: int) -> list[tuple[str, str]]:
    with store.tx() as tx:
        return [(a["action"], a["actor"]) for a in
                tx.all("SELECT action, actor FROM audit WHERE account_id = ? ORDER BY id", (account_id,))]


def test_every_cli_action_works_and_is_audited(make_api, store, capsys):
    api = make_api(key_cache_seconds=0)  # the CLI is another process: no cached key decisions here

    code, out, _ = cli(store, capsys, "issue", "--name", "Cổng dữ liệu quốc gia", "--email", "harvest@example.vn",
                       "--organisation", "Cục Chuyển đổi số", "--rate-limit", "100")
    assert code == 0 and "tạm thời" in out and "temporary" in out
    temporary = key_in(out)
    account_id = int(re.search(r"số (\d+)", out).group(1))
    assert api.get(ROWS, temporary).json()["error"]["code"] == "key-temporary"

    code, out, _ = cli(store, capsys, "list")
    assert code == 0 and "harvest@example.vn" in out and "Cục Chuyển đổi số" in out
    code, out, _ = cli(store, capsys, "list", "--json")
    listed = json.loads(out)
    assert listed[0]["key_temporary"] is True and "key_hash" not in listed[0]

    assert cli(store, capsys, "reissue", str(account_id))[0] == 2  # --verified is required (6.2d)
    code, out, _ = cli(store, capsys, "reissue", str(account_id), "--verified", "đối chiếu CCCD tại Sở TT&TT")
    reissued = key_in(out)
    assert code == 0 and reissued != temporary
    assert api.get(ROWS, temporary).status_code == 401
    permanent = api.post("/v1/keys/rotate", reissued).json()["key"]
    assert api.get(ROWS, permanent).status_code == 200

    assert cli(store, capsys, "lock", str(account_id), "--reason", "khai thác vượt phạm vi")[0] == 0
    assert api.get(ROWS, permanent).json()["error"]["code"] == "account-locked"
    assert cli(store, capsys, "unlock", str(account_id), "--reason", "đã giải trình")[0] == 0
    assert api.get(ROWS, permanent).status_code == 200
    code, out, err = cli(store, capsys, "delete", str(account_id), "--reason", "đã xác minh vi phạm")
    assert code == 0
    assert api.get(ROWS, permanent).status_code == 401

    code, _, err = cli(store, capsys, "lock", "999", "--reason", "không có")
    assert code == 1 and "999" in err and "not found" in err

    actions = audit_actions(store, account_id)
    assert actions == [("issue", "cli:tester"), ("reissue", "cli:tester"), ("rotate", f"account:{account_id}"),
                       ("lock", "cli:tester"), ("unlock", "cli:tester"), ("delete", "cli:tester")]
    code, out, _ = cli(store, capsys, "audit", "--json")
    entries = json.loads(out)
    assert entries[0]["action"] == "delete" and entries[0]["detail"] == {"reason": "đã xác minh vi phạm"}
    reissue = next(e for e in entries if e["action"] == "reissue")
    assert reissue["detail"]["verified"] == "đối chiếu CCCD tại Sở TT&TT"
    code, out, _ = cli(store, capsys, "audit", "--account", str(account_id))
    assert code == 0 and "reissue" in out and "cli:tester" in out


def test_cli_refuses_bad_input_with_both_languages(store, capsys):
    code, _, err = cli(store, capsys, "issue", "--name", "X", "--email", "not-an-email")
    assert code == 1 and "LỖI/ERROR" in err and "email" in err
    code, _, err = cli(store, capsys, "lock", "1", "--reason", "")
    assert code == 1


def test_cli_runs_as_a_module_and_reports_usage_errors(store):
    env_cmd = [sys.executable, "-m", "opendata_function.operator_cli"]
    help_run = subprocess.run([*env_cmd, "--help"], capture_output=True, text=True)
    assert help_run.returncode == 0 and "reissue" in help_run.stdout
    bad = subprocess.run([*env_cmd, "--database-url", store.url, "frobnicate"], capture_output=True, text=True)
    assert bad.returncode == 2
    listed = subprocess.run([*env_cmd, "--database-url", store.url, "list"], capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr


def test_usage_export_per_dataset_and_month(api, store, capsys):
    keys = [api.register(f"u{i}@example.vn") for i in range(2)]
    for key in keys:
        api.get(ROWS, key, params={"_limit": 5})
    api.get("/v1/datasets/dan-so/dan-so", keys[0])
    api.fn.usage.flush(store)
    code, out, _ = cli(store, capsys, "usage", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert [(r["dataset"], r["requests"], r["rows_returned"], r["accounts"]) for r in rows] == [
        ("co-so-y-te", "2", "10", "2"), ("dan-so", "1", "4", "1")]
    month = rows[0]["month"]
    code, out, _ = cli(store, capsys, "usage", "--month", month, "--by-account", "--format", "json")
    assert len(json.loads(out)) == 3
    code, out, _ = cli(store, capsys, "usage", "--year", "1999", "--format", "json")
    assert json.loads(out) == []


def test_every_admin_api_action_works_and_is_audited(api):
    r = api.admin("POST", "/admin/accounts", json={"full_name": "Sở Y tế", "email": "syt@example.vn",
                                                   "phone": "0211 3862 381", "rate_limit": 50})
    assert r.status_code == 201 and r.json()["account"]["key_temporary"] is True
    account_id, temporary = r.json()["account"]["id"], r.json()["key"]
    assert api.admin("GET", "/admin/accounts").json()["accounts"][0]["phone"] == "02113862381"
    assert api.admin("GET", f"/admin/accounts/{account_id}").json()["account"]["rate_limit"] == 50
    assert api.admin("GET", "/admin/accounts", params={"status": "locked"}).json()["count"] == 0

    assert api.admin("POST", f"/admin/accounts/{account_id}/reissue", json={}).status_code == 422
    r = api.admin("POST", f"/admin/accounts/{account_id}/reissue", json={"verified": "gọi lại số đã đăng ký"})
    assert r.status_code == 200 and r.json()["temporary"] is True
    assert api.get(ROWS, temporary).status_code == 401
    assert api.admin("POST", f"/admin/accounts/{account_id}/lock", json={"reason": "vi phạm"}).status_code == 200
    assert api.admin("POST", f"/admin/accounts/{account_id}/unlock", json={"reason": "xem xét lại"}).status_code == 200
    assert api.admin("DELETE", f"/admin/accounts/{account_id}").status_code == 422  # a reason is required
    assert api.admin("DELETE", f"/admin/accounts/{account_id}", params={"reason": "yêu cầu của chủ"}).status_code == 200
    assert api.admin("GET", f"/admin/accounts/{account_id}").status_code == 404

    audit = api.admin("GET", "/admin/audit", params={"account": account_id}).json()["audit"]
    assert [(a["action"], a["actor"]) for a in reversed(audit)] == [
        ("issue", "api:tester"), ("reissue", "api:tester"), ("lock", "api:tester"), ("unlock", "api:tester"),
        ("delete", "api:tester")]


def test_admin_api_needs_the_operator_secret(api, make_api):
    r = api.client.get("/admin/accounts", headers={"X-Operator-Secret": "wrong"})
    assert r.status_code == 401 and r.json()["error"]["code"] == "operator-denied"
    assert api.client.get("/admin/accounts").status_code == 401
    assert api.client.get("/admin/accounts", headers={"Authorization": "Bearer test-operator-secret-not-for-production"}
                          ).status_code == 200
    # An API key is not an operator secret.
    assert api.client.get("/admin/audit", headers={"Authorization": f"Bearer {api.register()}"}).status_code == 401
    off = make_api(operator_secret="")
    r = off.client.get("/admin/accounts", headers={"X-Operator-Secret": ""})
    assert r.status_code == 403 and "OPENDATA_OPERATOR_SECRET" in r.json()["error"]["en"]


def test_admin_audit_survives_absurd_numbers(api):
    """Found by the fuzzer: an id beyond 64 bits used to reach SQLite and fail with a 500."""
    r = api.admin("GET", "/admin/audit", params={"account": "9" * 40, "limit": "9" * 40})
    assert r.status_code == 200
    assert api.admin("GET", "/admin/accounts/" + "9" * 40).status_code == 404
