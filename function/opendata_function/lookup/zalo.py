"""The Zalo Official Account channel: the OA webhook's events in, consultation messages out.

In: `POST /lookup/zalo`, an OA event (`user_send_text`) signed with
    X-ZEvent-Signature: mac=<sha256 hex of app_id + raw body + timestamp + OA secret key>.
Unsigned, wrongly signed, stale (more than five minutes from now) and replayed events are refused.
Large numeric ids (user ids, app id) are read as strings: JSON numbers beyond 2^53 lose digits.

Out: `POST {api}/v3.0/oa/message/cs` with header `access_token` and body
    {"recipient": {"user_id": …}, "message": {"text": …}}.
When Zalo answers error -216 (the access token expired) the token is refreshed once with the refresh
token (`POST {oauth}/v4/oa/access_token`, header `secret_key`, form refresh_token, app_id,
grant_type=refresh_token) and the message sent again; Zalo rotates the refresh token on every
refresh, so the new one is written to the store before anything else.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from ..errors import ApiError
from ..settings import Settings
from ..store import Store
from . import records

log = logging.getLogger("opendata_function")
EXPIRED = -216
TIMEOUT = 10
_ACCESS, _REFRESH = "zalo_access_token", "zalo_refresh_token"


@dataclass(frozen=True)
class Event:
    name: str
    app_id: str
    sender: str
    text: str
    timestamp_ms: int
    signature: str


def _refuse(status: int, code: str, vi: str, en: str) -> ApiError:
    return ApiError(status, code, vi, en)


def signature(app_id: str, body: bytes, timestamp: str, oa_secret: str) -> str:
    return "mac=" + hashlib.sha256(app_id.encode() + body + timestamp.encode() + oa_secret.encode()).hexdigest()


def verify(body: bytes, header: str | None, settings: Settings, *, now_ms: int | None = None) -> Event:
    """The event in `body`, once its signature, its app and its age are checked; raise ApiError otherwise."""
    if not settings.zalo_oa_secret or not settings.zalo_app_id:
        raise _refuse(503, "zalo-off", "Kênh Zalo chưa được cấu hình (OPENDATA_ZALO_APP_ID, OPENDATA_ZALO_OA_SECRET).",
                      "The Zalo channel is not configured (OPENDATA_ZALO_APP_ID, OPENDATA_ZALO_OA_SECRET).")
    if not header:
        raise _refuse(401, "signature-missing", "Thiếu chữ ký X-ZEvent-Signature.", "The X-ZEvent-Signature is missing.")
    try:
        doc = json.loads(body, parse_int=str, parse_float=str)  # ids beyond 2^53 keep every digit
        if not isinstance(doc, dict):
            raise ValueError("not an object")
    except ValueError:
        raise _refuse(400, "bad-event", "Sự kiện không phải JSON hợp lệ.", "The event is not valid JSON.") from None
    app_id, timestamp = str(doc.get("app_id") or ""), str(doc.get("timestamp") or "")
    expected = signature(app_id, body, timestamp, settings.zalo_oa_secret)
    if not hmac.compare_digest(header.strip().encode(), expected.encode()):
        raise _refuse(401, "signature-invalid", "Chữ ký X-ZEvent-Signature không đúng.",
                      "The X-ZEvent-Signature is wrong.")
    if app_id != settings.zalo_app_id:
        raise _refuse(403, "wrong-app", "Sự kiện của ứng dụng Zalo khác.", "The event is for another Zalo app.")
    if not timestamp.isdigit() or len(timestamp) > 15:
        raise _refuse(400, "bad-event", "Sự kiện thiếu thời điểm (timestamp).", "The event has no timestamp.")
    now = int(time.time() * 1000) if now_ms is None else now_ms
    if abs(now - int(timestamp)) > settings.lookup_max_age_seconds * 1000:
        raise _refuse(401, "stale-event", "Sự kiện quá cũ (hơn 5 phút) hoặc sai giờ; không xử lý.",
                      "The event is stale (over 5 minutes old) or its clock is wrong; not processed.")
    sender = doc.get("sender") if isinstance(doc.get("sender"), dict) else {}
    message = doc.get("message") if isinstance(doc.get("message"), dict) else {}
    return Event(name=str(doc.get("event_name") or ""), app_id=app_id, sender=str(sender.get("id") or ""),
                 text=str(message.get("text") or ""), timestamp_ms=int(timestamp), signature=expected)


class Client:
    """Sends consultation messages, refreshing the access token when Zalo says it expired."""

    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings, self.store = settings, store
        self._lock = threading.Lock()

    def _token(self, name: str, default: str) -> str:
        return records.get_meta(self.store, name) or default

    def _post(self, url: str, data: bytes, headers: dict[str, str]) -> dict[str, Any]:
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
                raw = response.read(1_000_000)
        except urllib.error.HTTPError as exc:
            raw = exc.read(1_000_000)
        except (urllib.error.URLError, OSError) as exc:
            raise ConnectionError(f"Zalo API unreachable: {exc}") from exc
        try:
            doc = json.loads(raw, parse_int=str)
        except ValueError:
            return {"error": "not-json", "message": raw[:200].decode("utf-8", "replace")}
        return doc if isinstance(doc, dict) else {"error": "not-json"}

    def refresh(self) -> str:
        """A new access token from the refresh token; the rotated refresh token is stored first."""
        s = self.settings
        form = urllib.parse.urlencode({"refresh_token": self._token(_REFRESH, s.zalo_refresh_token),
                                       "app_id": s.zalo_app_id, "grant_type": "refresh_token"}).encode()
        doc = self._post(f"{s.zalo_oauth_url}/v4/oa/access_token", form,
                         {"secret_key": s.zalo_app_secret, "Content-Type": "application/x-www-form-urlencoded"})
        access, refresh = str(doc.get("access_token") or ""), str(doc.get("refresh_token") or "")
        if not access:
            raise ConnectionError(f"Zalo refused to refresh the access token: {str(doc)[:300]}")
        if refresh:
            records.set_meta(self.store, _REFRESH, refresh)
        records.set_meta(self.store, _ACCESS, access)
        return access

    def send(self, user_id: str, text: str) -> dict[str, Any]:
        """Send `text` to `user_id`; return Zalo's answer. Raise ConnectionError when it cannot be sent."""
        body = json.dumps({"recipient": {"user_id": user_id}, "message": {"text": text}}, ensure_ascii=False).encode()
        url = f"{self.settings.zalo_api_url}/v3.0/oa/message/cs"
        with self._lock:
            token = self._token(_ACCESS, self.settings.zalo_access_token)
            doc = self._post(url, body, {"access_token": token, "Content-Type": "application/json"})
            if str(doc.get("error")) == str(EXPIRED):
                # Another instance may have refreshed already (a refresh token works once): use its token.
                stored = self._token(_ACCESS, self.settings.zalo_access_token)
                token = stored if stored != token else self.refresh()
                doc = self._post(url, body, {"access_token": token, "Content-Type": "application/json"})
        if str(doc.get("error")) != "0":
            raise ConnectionError(f"Zalo did not send the reply: {str(doc)[:300]}")
        return doc
