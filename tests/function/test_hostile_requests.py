"""Hostile requests: client input never makes a 500; addresses cannot be forged; guessing is slowed down;
invisible names and weak operator secrets are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from opendata_function.app import create_app
from opendata_function.settings import Settings, SettingsError

from .conftest import OPERATOR_SECRET, registration

ROWS = "/v1/datasets/co-so-y-te/co-so"
DEEP = "[" * 30_000 + "]" * 30_000  # 60 KB: under the 64 KiB body limit


def _json_body(api, path: str, text: str, key: str | None = None):
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {key}"} if key else {})}
    return api.client.post(path, content=text.encode(), headers=headers)


def _names(r, field: str) -> None:
    body = r.json()
    error = body["error"]
    assert field in (error.get("field"), *error.keys()), body
    assert error.get("vi") or error.get("message")


@pytest.mark.parametrize("path", ["/api/3/action/package_list", "/api/3/action/package_search",
                                  "/api/3/action/datastore_search"])
def test_a_number_too_large_is_a_400_naming_it(api, path):
    r = _json_body(api, path, '{"limit": 1e400, "rows": 1}')
    assert r.status_code == 400, r.text
    _names(r, "limit")


@pytest.mark.parametrize("path,field", [("/v1/register", "full_name"), ("/v1/feedback", "message"),
                                        ("/api/3/action/package_search", "q")])
def test_json_nested_30000_deep_is_a_400_naming_the_parameter(api, path, field):
    r = _json_body(api, path, '{"%s": %s}' % (field, DEEP))
    assert r.status_code == 400, r.text
    _names(r, field)


@pytest.mark.parametrize("param", ["q", "_sort"])
def test_a_thousand_searches_or_sort_terms_are_a_400_naming_them(api, param):
    key = api.register()
    if param == "q":
        params = [("q", f"x{i}") for i in range(1100)]
    else:
        params = [("_sort", ",".join(["ten"] * 1100))]
    r = api.get(ROWS, key, params=params)
    assert r.status_code == 400, r.text
    _names(r, param)


def test_ckan_filters_over_the_limit_are_refused(api):
    key = api.register()
    filters = {f"f{i}": "x" for i in range(1100)}
    r = _json_body(api, "/api/3/action/datastore_search",
                   '{"resource_id": "co-so-y-te/co-so", "filters": %s}' % __import__("json").dumps(filters), key)
    assert r.status_code == 409 and "filters" in r.json()["error"], r.text


def test_datastore_search_with_non_text_fields_names_fields(api):
    key = api.register()
    r = _json_body(api, "/api/3/action/datastore_search", '{"resource_id": "co-so-y-te/co-so", "fields": [1, 2]}', key)
    assert r.status_code == 409, r.text  # CKAN's ValidationError
    assert r.json()["error"]["fields"]


def test_admin_feedback_status_that_is_not_text_names_status(api):
    created = api.post("/v1/feedback", json={"dataset": "dan-so", "category": "format", "message": "Thêm CSV."})
    assert created.status_code == 201, created.text
    r = api.admin("POST", f"/admin/feedback/{created.json()['id']}", json={"status": {}})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "status"


# --- the client's address: X-Forwarded-For only from the configured proxies -----------------------

def _register_as(api, i: int, forwarded: str):
    return api.post("/v1/register", json=registration(f"u{i}@example.vn"), headers={"X-Forwarded-For": forwarded})


def test_forged_forwarded_for_does_not_reset_the_per_address_limit(api):
    statuses = [_register_as(api, i, f"203.0.113.{i}").status_code for i in range(25)]
    assert statuses.count(201) == api.settings.register_per_hour and statuses[-1] == 429


def test_behind_a_trusted_proxy_the_right_most_untrusted_hop_is_the_client(make_api):
    api = make_api(trusted_proxies=["127.0.0.1"])
    # The client forges hops on the left; the proxy appends the address it saw.
    statuses = [_register_as(api, i, f"198.51.100.{i}, 192.0.2.7").status_code for i in range(15)]
    assert statuses.count(201) == api.settings.register_per_hour and statuses[-1] == 429
    assert _register_as(api, 99, "192.0.2.8").status_code == 201  # another client has its own budget


def test_the_dockerfile_trusts_no_forwarded_header_by_itself():
    dockerfile = (Path(__file__).resolve().parents[2] / "function" / "Dockerfile").read_text(encoding="utf-8")
    cmd = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert "--no-proxy-headers" in cmd and "forwarded-allow-ips" not in cmd


# --- guessing keys and secrets ---------------------------------------------------------------------

def test_wrong_keys_are_slowed_down_per_address(api):
    key = api.register()
    wrong = "odp_" + key.split("_")[1] + "_" + "A" * 43
    statuses = [api.get(ROWS, wrong).status_code for _ in range(api.settings.wrong_keys_per_minute + 10)]
    assert statuses[: api.settings.wrong_keys_per_minute] == [401] * api.settings.wrong_keys_per_minute
    assert set(statuses[api.settings.wrong_keys_per_minute:]) == {429}
    blocked = api.get(ROWS, key)  # while over the budget no key is checked at all, not even a right one
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) >= 1


def test_wrong_operator_secrets_are_slowed_down_per_address(api):
    limit = api.settings.wrong_secrets_per_minute
    statuses = [api.client.get("/admin/accounts", headers={"X-Operator-Secret": f"doan-{i}"}).status_code
                for i in range(limit + 5)]
    assert statuses[:limit] == [401] * limit and set(statuses[limit:]) == {429}
    assert api.admin("GET", "/admin/accounts").status_code == 429


@pytest.mark.parametrize("name", ["\u200b\u200b\u200b", "\u202e\u202d\u2066", "\ufeff\u200d\u200c\u2060", "\u200b \u200b"])
def test_names_of_invisible_characters_are_refused(api, name):
    r = api.post("/v1/register", json={**registration(), "full_name": name})
    assert r.status_code == 422, r.text
    assert r.json()["error"]["field"] == "full_name"


def test_direction_overrides_are_dropped_from_a_real_name(api):
    r = api.post("/v1/register", json={**registration(), "full_name": "Nguyễn\u202e Văn An\u200b"})
    assert r.status_code == 201 and r.json()["account"]["full_name"] == "Nguyễn Văn An"


@pytest.mark.parametrize("secret", ["change-me", "changeme-changeme-changeme", "aaaaaaaaaaaaaaaaaaaaaaaa", "short1!"])
def test_a_weak_operator_secret_stops_the_function_from_starting(test_site, tmp_path, secret):
    settings = Settings.from_env({"OPENDATA_SITE": str(test_site), "DATABASE_URL": f"sqlite:///{tmp_path / 'f.db'}",
                                  "OPENDATA_OPERATOR_SECRET": secret})
    with pytest.raises(SettingsError, match="OPENDATA_OPERATOR_SECRET"):
        create_app(settings)
    assert create_app(Settings.from_env({"OPENDATA_SITE": str(test_site),
                                         "DATABASE_URL": f"sqlite:///{tmp_path / 'g.db'}",
                                         "OPENDATA_OPERATOR_SECRET": OPERATOR_SECRET}))


def test_trusted_proxies_must_be_addresses():
    with pytest.raises(SettingsError, match="OPENDATA_TRUSTED_PROXIES"):
        Settings.from_env({"OPENDATA_TRUSTED_PROXIES": "*"})
