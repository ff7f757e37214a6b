"""Accounts and keys (Articles 6.2b-e): registration to first query, and every way a key can be refused."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings, strategies as st

from opendata_function import accounts
from opendata_function.errors import ValidationFailed

from .conftest import registration

ROWS = "/v1/datasets/co-so-y-te/co-so"


def test_registration_to_first_query(api):
    r = api.post("/v1/register", json=registration())
    assert r.status_code == 201, r.text
    body = r.json()
    key = body["key"]
    assert key.startswith("odp_") and body["account"]["email"] == "nguoidung@example.vn"
    assert "một lần" in body["notice"]["vi"] and "once" in body["notice"]["en"]
    assert r.headers["cache-control"] == "no-store"  # the page showing the key is never cached

    r = api.get(ROWS, key, params={"ma_co_so": "00101"})
    assert r.status_code == 200
    assert r.json()["rows"][0]["ten"] == "Bệnh viện Đa khoa tỉnh"
    # The same key works as CKAN clients send it and as X-API-Key.
    assert api.get(ROWS, headers={"Authorization": key}).status_code == 200
    assert api.get(ROWS, headers={"X-API-Key": key}).status_code == 200


def test_registration_by_html_form_post(api):
    """The form can post URL-encoded fields too (no JavaScript)."""
    form = {**registration(), "accept_terms": "on"}
    r = api.post("/v1/register", data=form)
    assert r.status_code == 201, r.text


def test_key_is_stored_only_as_its_hash(api):
    key = api.register()
    with api.store.tx() as tx:
        row = tx.one("SELECT * FROM accounts")
        audit = tx.all("SELECT * FROM audit")
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    stored = " ".join(str(v) for v in row.values()) + " ".join(str(a) for a in audit)
    assert key not in stored and key.split("_", 2)[2] not in stored


def test_second_account_for_the_same_email_is_refused(api):
    api.register("nhung@example.vn")
    r = api.post("/v1/register", json={**registration("NHUNG@Example.VN"), "phone": "0387654321"})
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "email-taken" and error["field"] == "email"
    assert "thư điện tử" in error["vi"] and "email" in error["en"]
    with api.store.tx() as tx:
        assert tx.one("SELECT COUNT(*) AS n FROM accounts")["n"] == 1


def test_registration_names_every_bad_field(api):
    r = api.post("/v1/register", json={"full_name": "A", "address": "", "email": "not-an-email",
                                       "phone": "12345", "accept_terms": False})
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert set(fields) == {"full_name", "address", "email", "phone", "accept_terms"}
    assert "điện thoại" in fields["phone"]["vi"] and "phone" in fields["phone"]["en"]
    assert "điều khoản" in fields["accept_terms"]["vi"]


@pytest.mark.parametrize("raw,expected", [
    ("0912345678", "0912345678"), ("091 234 5678", "0912345678"), ("+84 912 345 678", "0912345678"),
    ("84912345678", "0912345678"), ("0386.000.111", "0386000111"), ("0211 3862 381", "02113862381"),
    ("(0211) 3862381", "02113862381"), ("0123456789", None), ("091234567", None), ("09123456789", None),
    ("phone", None), ("", None), ("0012345678", None),
])
def test_vietnamese_phone_numbers(raw, expected):
    assert accounts.normalise_phone(raw) == expected


@pytest.mark.parametrize("raw,expected", [
    ("Ten.Ho@Example.VN", "ten.ho@example.vn"), ("a+b@so-tttt.vinhphuc.gov.vn", "a+b@so-tttt.vinhphuc.gov.vn"),
    ("x@localhost", None), ("x@@a.vn", None), ("x@a..vn", None), (".x@a.vn", None), ("x y@a.vn", None),
    ("x@-a.vn", None), ("x@a.123", None), ("a" * 65 + "@a.vn", None),
])
def test_email_addresses(raw, expected):
    assert accounts.normalise_email(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["full_name", "address", "email", "phone", "organisation", "accept_terms",
                                        "x"]),
                       st.one_of(st.text(max_size=300), st.integers(), st.booleans(), st.none(),
                                 st.lists(st.text(max_size=5), max_size=3))))
def test_registration_validation_only_ever_says_what_is_wrong(data):
    try:
        clean = accounts.validate_registration(data)
    except ValidationFailed as exc:
        assert exc.problems and all(vi and en for vi, en in exc.problems.values())
    else:
        assert accounts.normalise_phone(clean["phone"]) == clean["phone"]


def test_missing_and_wrong_keys_get_401(api):
    key = api.register()
    r = api.get(ROWS)
    assert r.status_code == 401 and r.json()["error"]["code"] == "key-missing"
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert "Authorization" in r.json()["error"]["vi"]
    wrong = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")  # right prefix, wrong secret
    for bad in (wrong, "odp_000000000000_" + "x" * 43, "not-a-key", "Bearer"):
        r = api.get(ROWS, headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401, bad
        assert r.json()["error"]["code"] in ("key-invalid", "key-missing")


def test_temporary_key_must_be_rotated_before_any_data_call(api):
    account_id, temporary = api.issue()
    r = api.get(ROWS, temporary)
    assert r.status_code == 403
    error = r.json()["error"]
    assert error["code"] == "key-temporary"
    assert "tạm thời" in error["vi"] and "/v1/keys/rotate" in error["vi"]
    assert "temporary" in error["en"] and "/v1/keys/rotate" in error["en"]
    assert api.post("/api/3/action/datastore_search", temporary, json={"resource_id": "co-so-y-te/co-so"}
                    ).status_code == 403
    me = api.get("/v1/account", temporary)  # the holder may see their own account
    assert me.status_code == 200 and me.json()["account"]["key_temporary"] is True

    r = api.post("/v1/keys/rotate", temporary)
    assert r.status_code == 200
    permanent = r.json()["key"]
    assert permanent != temporary
    assert api.get(ROWS, permanent).status_code == 200
    assert api.get(ROWS, temporary).status_code == 401  # the replaced key is dead at once
    with api.store.tx() as tx:
        actions = [a["action"] for a in tx.all("SELECT action FROM audit WHERE account_id = ? ORDER BY id",
                                                (account_id,))]
    assert actions == ["issue", "rotate"]


def test_locked_account_gets_403_and_unlock_restores_it(api):
    key = api.register()
    account_id = api.get("/v1/account", key).json()["account"]["id"]
    assert api.get(ROWS, key).status_code == 200  # cached as active
    r = api.admin("POST", f"/admin/accounts/{account_id}/lock", json={"reason": "vi phạm điều khoản 3"})
    assert r.status_code == 200 and r.json()["account"]["status"] == "locked"
    r = api.get(ROWS, key)
    assert r.status_code == 403 and r.json()["error"]["code"] == "account-locked"
    assert "bị khóa" in r.json()["error"]["vi"] and "locked" in r.json()["error"]["en"]
    assert api.post("/v1/keys/rotate", key).status_code == 403  # a locked holder cannot mint a new key
    assert api.admin("POST", f"/admin/accounts/{account_id}/unlock", json={"reason": "đã xác minh"}).status_code == 200
    assert api.get(ROWS, key).status_code == 200


def test_rate_limit_answers_429_with_retry_after(api):
    account_id, temporary = api.issue(rate_limit=3)
    key = api.post("/v1/keys/rotate", temporary).json()["key"]  # the rotation is the first request
    statuses = [api.get(ROWS, key, params={"_limit": 1}).status_code for _ in range(4)]
    assert statuses[:2] == [200, 200] and statuses[-1] == 429
    r = api.get(ROWS, key)
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1
    assert r.json()["error"]["code"] == "rate-limited" and "3" in r.json()["error"]["en"]
    # Another key is not affected.
    assert api.get(ROWS, api.register("khac@example.vn")).status_code == 200


def test_registration_is_rate_limited_per_address_and_has_a_honeypot(make_api):
    api = make_api(register_per_hour=2)
    assert api.post("/v1/register", json={**registration("bot@example.vn"), "website": "http://spam"}
                    ).status_code == 400
    assert api.post("/v1/register", json=registration("a@example.vn")).status_code == 201
    r = api.post("/v1/register", json=registration("b@example.vn"))
    assert r.status_code == 429 and "retry-after" in r.headers
    with api.store.tx() as tx:
        assert [a["email"] for a in tx.all("SELECT email FROM accounts")] == ["a@example.vn"]


def test_oversized_and_malformed_bodies_are_refused(api):
    assert api.post("/v1/register", content=b"{" * 70_000, headers={"Content-Type": "application/json"}
                    ).status_code == 413
    assert api.post("/v1/register", content=b"{not json", headers={"Content-Type": "application/json"}
                    ).status_code == 400
    assert api.post("/v1/register", content=b"[1, 2]", headers={"Content-Type": "application/json"}
                    ).status_code == 400
    assert api.post("/v1/register", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415


def test_cors_allows_the_sites_origin_only(api):
    preflight = {"Origin": "http://127.0.0.1:8000", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"}
    r = api.client.options("/v1/register", headers=preflight)
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"
    r = api.client.options("/v1/register", headers={**preflight, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers
