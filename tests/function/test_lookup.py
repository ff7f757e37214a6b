"""The SMS/Zalo look-up through the real server: signatures, replies, limits and counts, on both stores.

The function answers from the sample portal as `opendata build` published it; Zalo's API is a local fake
that checks every request it gets (path, headers, body) and expires the first access token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import http.server
import json
import re
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from opendata_function.lookup import gsm7, records
from opendata_function.lookup.sms import Esms, SignedJson

APP_ID = "4143225512345678901"  # beyond 2^53: must survive as a string
OA_SECRET = "oa-secret-key-for-tests"
APP_SECRET = "app-secret-key-for-tests"
USER = "8476543210987654321"
CPID = "cp-1234"
PRIVATE_KEY = "esms-private-key"
JSON_SECRET = "json-gateway-secret"


class FakeZalo:
    """Zalo's OA API on loopback: the cs message endpoint and the token refresh, each request checked."""

    def __init__(self) -> None:
        self.access, self.refresh = "access-issued-later", "refresh-1"  # the configured token has expired
        self.sent: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.refreshes = 0
        fake = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def answer(self, doc: dict[str, Any]) -> None:
                data = json.dumps(doc).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/v3.0/oa/message/cs":
                    if not self.headers.get("Content-Type", "").startswith("application/json"):
                        fake.problems.append("cs: not JSON")
                    doc = json.loads(body)
                    if set(doc) != {"recipient", "message"} or set(doc["recipient"]) != {"user_id"} \
                            or not isinstance(doc["recipient"]["user_id"], str) or not doc["message"].get("text"):
                        fake.problems.append(f"cs: bad body {doc}")
                    if len(doc["message"]["text"]) > 2000:
                        fake.problems.append("cs: text over 2000 characters")
                    if self.headers.get("access_token") != fake.access:
                        return self.answer({"error": -216, "message": "Access token is invalid"})
                    fake.sent.append(doc)
                    return self.answer({"error": 0, "message": "Success",
                                        "data": {"message_id": "m1", "user_id": doc["recipient"]["user_id"]}})
                if self.path == "/v4/oa/access_token":
                    form = dict(urllib.parse.parse_qsl(body.decode()))
                    if self.headers.get("secret_key") != APP_SECRET:
                        fake.problems.append("refresh: wrong secret_key header")
                    if form != {"refresh_token": fake.refresh, "app_id": APP_ID, "grant_type": "refresh_token"}:
                        fake.problems.append(f"refresh: bad form {form}")
                        return self.answer({"error": -14014, "message": "Invalid refresh token"})
                    fake.refreshes += 1
                    fake.access, fake.refresh = f"access-{fake.refreshes + 1}", f"refresh-{fake.refreshes + 1}"
                    return self.answer({"access_token": fake.access, "refresh_token": fake.refresh, "expires_in": "90000"})
                fake.problems.append(f"unexpected path {self.path}")
                self.send_response(404)
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def wait_for(self, n: int) -> None:
        deadline = time.monotonic() + 10
        while len(self.sent) < n and time.monotonic() < deadline:
            time.sleep(0.02)


@pytest.fixture
def zalo_fake():
    fake = FakeZalo()
    yield fake
    fake.httpd.shutdown()


@pytest.fixture(autouse=True)
def fresh_tokens(store):
    """The rotated tokens live in the store's meta table, which a restore keeps: start each test without them."""
    with store.tx() as tx:
        tx.run("DELETE FROM meta WHERE key LIKE ?", ("zalo_%",))


@pytest.fixture
def lookup_api(make_api, site, zalo_fake):
    return make_api(site=site, zalo_app_id=APP_ID, zalo_oa_secret=OA_SECRET, zalo_app_secret=APP_SECRET,
                    zalo_access_token="access-old", zalo_refresh_token="refresh-1", zalo_api_url=zalo_fake.url,
                    zalo_oauth_url=zalo_fake.url, esms_cpid=CPID, esms_private_key=PRIVATE_KEY,
                    sms_json_secret=JSON_SECRET, lookup_hash_key="hash-key-for-tests", lookup_per_hour=30, sms_parts=2)


def zalo_event(text: str, *, user: str = USER, at_ms: int | None = None, msg: str = "") -> bytes:
    ts = str(at_ms if at_ms is not None else int(time.time() * 1000))
    # Written as Zalo writes it: ids as bare JSON numbers.
    return (f'{{"app_id":{APP_ID},"user_id_by_app":"1","event_name":"user_send_text","timestamp":"{ts}",'
            f'"sender":{{"id":{user}}},"recipient":{{"id":"579745863508352884"}},'
            f'"message":{{"text":{json.dumps(text, ensure_ascii=False)},"msg_id":"{msg or ts}"}}}}').encode()


def zalo_sign(body: bytes, secret: str = OA_SECRET) -> str:
    ts = json.loads(body, parse_int=str)["timestamp"]
    return "mac=" + hashlib.sha256(APP_ID.encode() + body + ts.encode() + secret.encode()).hexdigest()


def post_zalo(api, body: bytes, signature: str | None = "sign"):
    headers = {"Content-Type": "application/json"}
    if signature == "sign":
        signature = zalo_sign(body)
    if signature is not None:
        headers["X-ZEvent-Signature"] = signature
    return api.post("/lookup/zalo", content=body, headers=headers)


def ask_zalo(api, fake: FakeZalo, text: str, **kw: Any) -> str:
    before = len(fake.sent)
    r = post_zalo(api, zalo_event(text, **kw))
    assert r.status_code == 200, r.text
    fake.wait_for(before + 1)
    assert len(fake.sent) == before + 1 and not fake.problems, fake.problems
    return fake.sent[-1]["message"]["text"]


_smsid = iter(range(10_000, 1_000_000))


def esms_params(text: str, *, sender: str = "84912345678", when: dt.datetime | None = None, form: str = "base64",
                smsid: str | None = None) -> dict[str, str]:
    moment = (when or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone(dt.timedelta(hours=7)))
    receiver_time = moment.strftime("%Y%m%d%H%M%S")
    smsid = smsid or str(next(_smsid))
    b64, hexa = Esms.sign(CPID, smsid, text, receiver_time, PRIVATE_KEY)
    return {"sender": sender, "content": text, "serviceNumber": "8077", "keyword": text.split(" ")[0],
            "cpid": CPID, "smsid": smsid, "receiverTime": receiver_time, "sign": b64 if form == "base64" else hexa}


def ask_sms(api, text: str, **kw: Any) -> str:
    r = api.get("/lookup/sms/esms", params=esms_params(text, **kw))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/xml")
    root = ET.fromstring(r.text)
    assert root.tag == "ClientResponse" and [c.tag for c in root] == ["Message", "Smsid", "Receiver"]
    return root.findtext("Message") or ""


def gsm7_ok(text: str, parts: int = 2) -> None:
    assert all(ch in gsm7.BASIC for ch in text), [ch for ch in text if ch not in gsm7.BASIC]
    assert len(text) <= gsm7.limit(parts)
    assert not any(ch in "ăâđêôơưĂÂĐÊÔƠƯáàảãạéèíìóòúùýỳ" for ch in text)


# -- the commands --------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["DL trường học", "dl truong hoc", "  Dl   TRUONG   hoc ", "ĐL Trường Học", "dl: truong hoc"])
def test_search_with_and_without_accents(lookup_api, zalo_fake, text):
    reply = ask_zalo(lookup_api, zalo_fake, text)
    assert "Danh sách trường trung học phổ thông" in reply  # accents kept on Zalo
    assert "https://opendata.vinhphuc.gov.vn/datasets/truong-thpt/" in reply
    assert "TRA THPT" in reply
    sms = ask_sms(lookup_api, text)
    gsm7_ok(sms)
    assert "Danh sach truong trung hoc" in sms and "(THPT)" in sms


def test_search_ranks_as_the_site(lookup_api, zalo_fake, site):
    """The order of DL's results is the search page's (its own search.js over its own index, under node)."""
    import shutil
    import subprocess
    node = shutil.which("node") or shutil.which("nodejs")
    assert node, "node is needed to run the site's search.js as the browser does (make system installs it)"
    script = (f"var s=require({json.dumps(str(site / 'assets/search.js'))});var window={{}};"
              f"eval(require('fs').readFileSync({json.dumps(str(site / 'search/index.js'))},'utf8'));"
              "var i=new s.Index(window.odSearchIndex);i.build();var r=i.search('truong',{});"
              "console.log(JSON.stringify(r.hits.slice(0,5).map(function(h){return i.data.docs.id[h];})));")
    expected = json.loads(subprocess.run([node, "-e", script], capture_output=True, text=True, check=True).stdout)
    reply = ask_zalo(lookup_api, zalo_fake, "DL truong")
    shown = [line.strip().split("/datasets/")[1].rstrip("/") for line in reply.splitlines() if "/datasets/" in line
             and "?q=" not in line]
    assert shown == expected[:len(shown)] and len(shown) >= 3


@pytest.mark.parametrize("text", ["TRA THPT 002", "tra thpt 002", "TRA THPT trần phú", "tra  thpt  TRAN PHU",
                                  "Tra cứu THPT Trường THPT Trần Phú"])
def test_lookup_with_and_without_accents(lookup_api, zalo_fake, text):
    reply = ask_zalo(lookup_api, zalo_fake, text)
    assert "Tên trường: Trường THPT Trần Phú" in reply and "Điện thoại: 02113747698" in reply  # leading zero kept
    assert "Đạt chuẩn quốc gia: có" in reply
    assert "https://opendata.vinhphuc.gov.vn/datasets/truong-thpt/" in reply
    sms = ask_sms(lookup_api, text)
    gsm7_ok(sms)
    assert "Ten truong: Truong THPT Tran Phu" in sms and "02113747698" in sms


def test_many_results_answer_with_the_count_and_the_first(lookup_api, zalo_fake):
    reply = ask_zalo(lookup_api, zalo_fake, "TRA CK công ty")
    first = reply.splitlines()[0]
    assert first.startswith("Có ") and "kết quả cho “công ty”" in first
    assert int(first.split()[1]) > 100
    assert sum(1 for line in reply.splitlines() if line[:2] in ("1)", "2)", "3)")) == 3
    sms = ask_sms(lookup_api, "TRA CK cong ty")
    gsm7_ok(sms)
    assert sms.startswith("Co ") and "1) " in sms


@pytest.mark.parametrize("text,expect_vi,expect_sms", [
    ("DL xyzzyqwerty", "Không tìm thấy bộ dữ liệu nào", "Khong tim thay bo du lieu nao"),
    ("TRA THPT 999", "Không tìm thấy “999”", "Khong tim thay \"999\""),
    ("TRA ZZZ 1", "Không có mã tra cứu “ZZZ”", "Khong co ma tra cuu \"ZZZ\""),
])
def test_no_result(lookup_api, zalo_fake, text, expect_vi, expect_sms):
    assert expect_vi in ask_zalo(lookup_api, zalo_fake, text)
    sms = ask_sms(lookup_api, text)
    gsm7_ok(sms)
    assert expect_sms in sms


@pytest.mark.parametrize("text", ["HD", "hd", "Hướng dẫn", "huong dan", "xin chào", "", "???"])
def test_help_and_unknown_commands_answer_with_help(lookup_api, zalo_fake, text):
    reply = ask_zalo(lookup_api, zalo_fake, text) if text else None
    if reply is not None:
        assert "DL <từ khoá>" in reply and "TRA <mã> <giá trị>" in reply and "tra-cuu/" in reply
    sms = ask_sms(lookup_api, text)
    gsm7_ok(sms, parts=1)  # help always fits one message
    assert "DL <tu khoa>" in sms and "TRA <ma> <gia tri>" in sms and "THPT" in sms


def test_a_sticker_gets_the_help_and_other_events_nothing(lookup_api, zalo_fake):
    ts = str(int(time.time() * 1000))
    sticker = (f'{{"app_id":{APP_ID},"event_name":"user_send_sticker","timestamp":"{ts}","sender":{{"id":{USER}}},'
               f'"recipient":{{"id":1}},"message":{{"msg_id":"s1","attachments":[{{"type":"sticker"}}]}}}}').encode()
    assert post_zalo(lookup_api, sticker).status_code == 200
    zalo_fake.wait_for(1)
    assert "DL <từ khoá>" in zalo_fake.sent[-1]["message"]["text"]
    follow = (f'{{"app_id":{APP_ID},"event_name":"follow","timestamp":"{ts}","follower":{{"id":{USER}}}}}').encode()
    r = post_zalo(lookup_api, follow)
    assert r.status_code == 200 and r.json()["ignored"] == "follow"
    time.sleep(0.3)
    assert len(zalo_fake.sent) == 1


# -- SMS length and GSM-7 on the longest titles of the sample ------------------------------------------
@pytest.mark.parametrize("parts", [1, 2, 3])
def test_sms_fits_on_the_longest_titles(make_api, site, parts):
    catalog = json.loads((site / "api/v1/catalog.json").read_text("utf-8"))
    longest = sorted((d["title"] for d in catalog["datasets"]), key=len, reverse=True)[:3]
    api = make_api(site=site, esms_cpid=CPID, esms_private_key=PRIVATE_KEY, sms_parts=parts,
                   lookup_hash_key="k", lookup_per_hour=1000)
    titles = [gsm7.plain(d["title"]) for d in catalog["datasets"]]
    for title in longest:
        sms = ask_sms(api, "DL " + " ".join(title.split()[:4]))
        gsm7_ok(sms, parts)
        assert len(gsm7.segments(sms)) <= parts
        results = [line for line in sms.splitlines() if line[:1].isdigit() and ") " in line]
        assert results  # at least the best title fits
        for line in results:  # each title whole, or shortened after a whole word
            shown = re.sub(r" \([A-Z0-9_-]+\)$", "", line.split(") ", 1)[1])  # the look-up code, if any
            if shown.endswith("..."):
                start = shown[:-3]
                assert any(t.startswith(start) and t[len(start)] == " " for t in titles if len(t) > len(start)), line
            else:
                assert shown in titles, line
    for text in ("TRA THPT 001", "TRA CK cong ty", "HD"):
        gsm7_ok(ask_sms(api, text), parts)


def test_shorten_never_cuts_a_word():
    title = gsm7.plain("Danh sách trường trung học phổ thông công lập tỉnh Vĩnh Phúc năm học 2024-2025")
    for room in range(8, len(title) + 5):
        short = gsm7.shorten(title, room)
        assert len(short) <= room
        if short != title:
            assert short.endswith("...") and title.startswith(short[:-3]) and title[len(short) - 3] == " "


def test_zalo_replies_stay_within_2000_characters_and_keep_their_last_line():
    from opendata_function.lookup.answers import Style, _finish
    lines = [f"{i}. " + "Danh sách trường trung học phổ thông công lập " * 3 for i in range(100)] + ["Xem: https://x/"]
    text = _finish(lines, Style(sms=False))
    assert len(text) <= 2000 and text.endswith("\nXem: https://x/") and "..." in text


def test_gsm7_replaces_what_is_outside_the_basic_set():
    text = gsm7.plain("Đường “Hà Nội” – số [12] {a} ~ € ^ | \\ 漢 😀 é à ü")
    assert all(ch in gsm7.BASIC for ch in text)
    assert text.startswith('Duong "Ha Noi" - so (12) (a)') and "e a u" in text


# -- signatures ---------------------------------------------------------------------------------------
def test_zalo_signatures(lookup_api, zalo_fake):
    body = zalo_event("HD")
    assert post_zalo(lookup_api, body, signature=None).status_code == 401
    assert post_zalo(lookup_api, body, signature="mac=" + "0" * 64).status_code == 401
    assert post_zalo(lookup_api, body, signature=zalo_sign(body, "another-secret")).status_code == 401
    stale = zalo_event("HD", at_ms=int((time.time() - 301) * 1000))
    r = post_zalo(lookup_api, stale)
    assert r.status_code == 401 and r.json()["error"]["code"] == "stale-event"
    assert post_zalo(lookup_api, body).status_code == 200  # the good one
    replay = post_zalo(lookup_api, body)
    assert replay.status_code == 409 and replay.json()["error"]["code"] == "replayed"
    zalo_fake.wait_for(1)
    time.sleep(0.3)
    assert len(zalo_fake.sent) == 1 and not zalo_fake.problems  # one answer: nothing sent for the refused
    assert zalo_fake.sent[0]["recipient"]["user_id"] == USER  # 19 digits, every one kept


def test_esms_signatures(lookup_api):
    good = esms_params("HD")
    assert lookup_api.get("/lookup/sms/esms", params=good).status_code == 200
    r = lookup_api.get("/lookup/sms/esms", params=good)
    assert r.status_code == 409 and r.json()["error"]["code"] == "replayed"
    hexa = esms_params("HD", form="hex")
    assert len(hexa["sign"]) == 32 and lookup_api.get("/lookup/sms/esms", params=hexa).status_code == 200
    missing = {k: v for k, v in esms_params("HD").items() if k != "sign"}
    assert lookup_api.get("/lookup/sms/esms", params=missing).json()["error"]["code"] == "signature-missing"
    bad = {**esms_params("HD"), "content": "DL tampered"}
    assert lookup_api.get("/lookup/sms/esms", params=bad).status_code == 401
    stale = esms_params("HD", when=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=6))
    r = lookup_api.get("/lookup/sms/esms", params=stale)
    assert r.status_code == 401 and r.json()["error"]["code"] == "stale-event"


def test_esms_xml_answer(lookup_api):
    params = esms_params("TRA THPT 002", sender="84912345678", smsid="777001")
    r = lookup_api.get("/lookup/sms/esms", params=params)
    root = ET.fromstring(r.text)
    assert root.findtext("Smsid") == "777001" and root.findtext("Receiver") == "84912345678"
    assert "Truong THPT Tran Phu" in root.findtext("Message")
    # Markup in a message is text in the XML, never elements.
    r = lookup_api.get("/lookup/sms/esms", params=esms_params("DL <b>&amp;</b>"))
    assert ET.fromstring(r.text).findtext("Message").count("<b>") == 1


def signed_json(body: dict[str, Any], secret: str = JSON_SECRET) -> tuple[bytes, str]:
    raw = json.dumps(body).encode()
    return raw, "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()


def test_signed_json_gateway(lookup_api):
    raw, sig = signed_json({"from": "+84 912 345 678", "text": "TRA THPT 002", "id": "j1", "timestamp": time.time()})
    r = lookup_api.post("/lookup/sms/json", content=raw, headers={SignedJson.HEADER: sig})
    assert r.status_code == 200 and "Truong THPT Tran Phu" in r.json()["text"] and r.json()["parts"] <= 2
    assert r.json()["to"] == "+84 912 345 678"
    assert lookup_api.post("/lookup/sms/json", content=raw, headers={SignedJson.HEADER: sig}).status_code == 409
    raw2, _ = signed_json({"from": "0912345678", "text": "HD", "id": "j2", "timestamp": time.time()})
    assert lookup_api.post("/lookup/sms/json", content=raw2).json()["error"]["code"] == "signature-missing"
    _, wrong = signed_json({"from": "0912345678", "text": "HD", "id": "j2", "timestamp": time.time()}, "nope")
    assert lookup_api.post("/lookup/sms/json", content=raw2, headers={SignedJson.HEADER: wrong}).status_code == 401
    raw3, sig3 = signed_json({"from": "0912345678", "text": "HD", "id": "j3", "timestamp": time.time() - 400})
    r = lookup_api.post("/lookup/sms/json", content=raw3, headers={SignedJson.HEADER: sig3})
    assert r.status_code == 401 and r.json()["error"]["code"] == "stale-event"


# -- the reply call and the token refresh -------------------------------------------------------------
def test_reply_refreshes_the_expired_token_once_and_keeps_the_rotated_refresh_token(lookup_api, zalo_fake):
    ask_zalo(lookup_api, zalo_fake, "HD")
    assert zalo_fake.refreshes == 1  # "access-old" was expired (-216): refreshed, then sent
    assert records.get_meta(lookup_api.store, "zalo_refresh_token") == "refresh-2"
    ask_zalo(lookup_api, zalo_fake, "DL dan so")
    assert zalo_fake.refreshes == 1  # the new token is used as it is
    zalo_fake.access = "expired-again"  # Zalo expires it: the stored refresh-2 must be the one sent
    ask_zalo(lookup_api, zalo_fake, "TRA THPT 001")
    assert zalo_fake.refreshes == 2 and not zalo_fake.problems
    assert records.get_meta(lookup_api.store, "zalo_refresh_token") == "refresh-3"


def test_webhook_answers_before_the_reply_is_sent(make_api, site, zalo_fake):
    """Zalo's API slow or down: the webhook still answers at once."""
    api = make_api(site=site, zalo_app_id=APP_ID, zalo_oa_secret=OA_SECRET, zalo_api_url="http://127.0.0.1:9",
                   zalo_oauth_url="http://127.0.0.1:9", lookup_hash_key="k")
    started = time.monotonic()
    assert post_zalo(api, zalo_event("HD")).status_code == 200
    assert time.monotonic() - started < 2


# -- rate limits and counts ---------------------------------------------------------------------------
def test_rate_limit_is_shared_by_both_channels_per_sender(make_api, site, zalo_fake):
    api = make_api(site=site, zalo_app_id=APP_ID, zalo_oa_secret=OA_SECRET, zalo_access_token="access-old",
                   zalo_api_url=zalo_fake.url, zalo_oauth_url=zalo_fake.url, zalo_app_secret=APP_SECRET,
                   zalo_refresh_token="refresh-1", esms_cpid=CPID, esms_private_key=PRIVATE_KEY,
                   sms_json_secret=JSON_SECRET, lookup_hash_key="k", lookup_per_hour=3)
    for _ in range(3):
        assert "Truong THPT" in ask_sms(api, "TRA THPT 002", sender="84912345678")
    # The same phone through the JSON gateway (written another way) is the same sender.
    raw, sig = signed_json({"from": "0912 345 678", "text": "TRA THPT 002", "id": "rl1", "timestamp": time.time()})
    over = api.post("/lookup/sms/json", content=raw, headers={SignedJson.HEADER: sig}).json()["text"]
    assert "vui long thu lai sau" in over and "Truong THPT" not in over
    gsm7_ok(over, 1)
    assert "Truong THPT" in ask_sms(api, "TRA THPT 002", sender="84987654321")  # another phone is not limited
    for _ in range(3):
        assert "Trần Phú" in ask_zalo(api, zalo_fake, "TRA THPT 002")
    assert "vui lòng thử lại sau" in ask_zalo(api, zalo_fake, "TRA THPT 002")
    with api.store.tx() as tx:
        senders = [r["sender"] for r in tx.all("SELECT sender FROM lookup_limits")]
    assert len(senders) == 3 and not any("912345678" in s or USER in s for s in senders)  # hashed


def test_counts_per_channel_command_dataset_and_answer(lookup_api, zalo_fake, tmp_path):
    ask_zalo(lookup_api, zalo_fake, "TRA THPT 002")
    ask_zalo(lookup_api, zalo_fake, "TRA THPT 999")
    ask_sms(lookup_api, "TRA THPT 002")
    ask_sms(lookup_api, "dl truong")
    ask_sms(lookup_api, "hello")
    rows = records.report(lookup_api.store)
    got = {(r["channel"], r["command"], r["dataset"], r["answered"]): r["lookups"] for r in rows}
    assert got == {("zalo", "TRA", "truong-thpt", True): 1, ("zalo", "TRA", "truong-thpt", False): 1,
                   ("sms", "TRA", "truong-thpt", True): 1, ("sms", "DL", "truong-thpt", True): 1,
                   ("sms", "HD", "", False): 1}
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=7))).strftime("%Y-%m-%d")
    assert {r["day"] for r in rows} == {today}
    with lookup_api.store.tx() as tx:  # no message text, no phone number anywhere
        dump = json.dumps([tx.all(f"SELECT * FROM {t}") for t in ("lookup_counts", "lookup_limits", "lookup_seen")])
    assert "912345678" not in dump and "THPT 002" not in dump and USER not in dump
    # The operator exports them (`opendata keys lookups`).
    from opendata_function import operator_cli
    out = tmp_path / "lookups.csv"
    assert operator_cli.main(["--database-url", lookup_api.store.url, "lookups", "--format", "csv",
                              "--out", str(out)]) == 0
    lines = out.read_text("utf-8").splitlines()
    assert lines[0] == "day,channel,command,dataset,answered,lookups" and len(lines) == 6


def test_purge_forgets_limits_and_replays_after_a_day(store):
    old = dt.datetime.now(dt.timezone.utc) - dt.timedelta(hours=30)
    records.take(store, "s1", 5, now=old)
    records.first_time(store, "e1", now=old)
    records.take(store, "s2", 5)
    records.first_time(store, "e2")
    assert records.purge(store) == 2
    assert records.first_time(store, "e1") and not records.first_time(store, "e2")


def test_a_second_instance_uses_the_refreshed_token_from_the_store(lookup_api, make_api, site, zalo_fake):
    ask_zalo(lookup_api, zalo_fake, "HD")
    assert zalo_fake.refreshes == 1
    other = make_api(site=site, zalo_app_id=APP_ID, zalo_oa_secret=OA_SECRET, zalo_app_secret=APP_SECRET,
                     zalo_access_token="access-old", zalo_refresh_token="refresh-1", zalo_api_url=zalo_fake.url,
                     zalo_oauth_url=zalo_fake.url, lookup_hash_key="hash-key-for-tests")
    ask_zalo(other, zalo_fake, "HD")
    assert zalo_fake.refreshes == 1 and not zalo_fake.problems  # no refresh with the spent refresh-1
