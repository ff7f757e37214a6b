"""SMS gateways behind one small interface: each turns its request into an Inbound message, and a reply
text into the answer it expects. Another gateway is one more class in GATEWAYS.

- `esms`: eSMS's short-code MO callback. GET with sender, content, serviceNumber, keyword, sign, cpid,
  smsid, receiverTime (yyyyMMddhhmmss, Vietnam time); sign = base64(MD5(cpid + smsid + content +
  receiverTime + private key)); the raw-hex MD5 the gateway's samples also show is accepted. The
  answer is the gateway's synchronous XML:
  <ClientResponse><Message>…</Message><Smsid>…</Smsid><Receiver>…</Receiver></ClientResponse>.
- `json`: a plain JSON POST {"from", "text", "id", "timestamp" (Unix seconds)} signed with
  X-Signature: sha256=<hex HMAC-SHA256 of the raw body with OPENDATA_SMS_JSON_SECRET>; the answer is
  {"to", "text", "parts"}.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Protocol
from xml.sax.saxutils import escape

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..errors import ApiError
from ..settings import Settings
from . import gsm7


@dataclass(frozen=True)
class Inbound:
    sender: str  # the phone number, as the gateway gives it
    text: str
    event: str  # the gateway's own message id, for replays
    sent: float  # Unix seconds, for staleness


def _missing() -> ApiError:
    return ApiError(401, "signature-missing", "Thiếu chữ ký của cổng SMS.", "The SMS gateway's signature is missing.")


def _invalid() -> ApiError:
    return ApiError(401, "signature-invalid", "Chữ ký của cổng SMS không đúng.", "The SMS gateway's signature is wrong.")


def _off(names: str) -> ApiError:
    return ApiError(503, "gateway-off", f"Cổng SMS này chưa được cấu hình ({names}).",
                    f"This SMS gateway is not configured ({names}).")


class Gateway(Protocol):
    name: str

    async def receive(self, request: Request, settings: Settings) -> Inbound: ...

    def respond(self, inbound: Inbound, text: str) -> Response: ...


def phone(sender: str) -> str:
    """84912345678, +84 912 345 678 and 0912345678 are one phone: the leading zero kept, as numbers are written."""
    digits = "".join(ch for ch in sender if ch.isdigit())
    return "0" + digits[2:] if digits.startswith("84") and len(digits) >= 11 else digits


class Esms:
    name = "esms"

    @staticmethod
    def sign(cpid: str, smsid: str, content: str, receiver_time: str, key: str) -> tuple[str, str]:
        """(base64, raw hex) of the MD5 the gateway signs with."""
        digest = hashlib.md5((cpid + smsid + content + receiver_time + key).encode("utf-8"))
        return base64.b64encode(digest.digest()).decode(), digest.hexdigest()

    async def receive(self, request: Request, settings: Settings) -> Inbound:
        if not settings.esms_cpid or not settings.esms_private_key:
            raise _off("OPENDATA_ESMS_CPID, OPENDATA_ESMS_PRIVATE_KEY")
        q = request.query_params
        given = q.get("sign", "").strip()
        if not given:
            raise _missing()
        cpid, smsid, content, when = q.get("cpid", ""), q.get("smsid", ""), q.get("content", ""), q.get("receiverTime", "")
        if not hmac.compare_digest(cpid.encode(), settings.esms_cpid.encode()):
            raise _invalid()
        as_base64, as_hex = self.sign(cpid, smsid, content, when, settings.esms_private_key)
        # A "+" of base64 arrives as a space when the gateway leaves it unescaped in the query.
        given = given.replace(" ", "+")
        if not (hmac.compare_digest(given.encode(), as_base64.encode())
                or hmac.compare_digest(given.lower().encode(), as_hex.encode())):
            raise _invalid()
        try:
            local = dt.datetime.strptime(when, "%Y%m%d%H%M%S")
        except ValueError:
            raise ApiError(400, "bad-event", "receiverTime phải có dạng yyyyMMddHHmmss.",
                           "receiverTime must be yyyyMMddHHmmss.") from None
        sent = local.replace(tzinfo=dt.timezone(dt.timedelta(hours=settings.utc_offset_hours))).timestamp()
        return Inbound(sender=q.get("sender", ""), text=content, event=f"esms:{smsid}", sent=sent)

    def respond(self, inbound: Inbound, text: str) -> Response:
        smsid = inbound.event.split(":", 1)[1]
        body = (f"<ClientResponse><Message>{escape(text)}</Message><Smsid>{escape(smsid)}</Smsid>"
                f"<Receiver>{escape(inbound.sender)}</Receiver></ClientResponse>")
        return Response(body, media_type="text/xml; charset=utf-8")


class SignedJson:
    name = "json"
    HEADER = "x-signature"

    @staticmethod
    def sign(body: bytes, secret: str) -> str:
        return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()

    async def receive(self, request: Request, settings: Settings) -> Inbound:
        if not settings.sms_json_secret:
            raise _off("OPENDATA_SMS_JSON_SECRET")
        body = await request.body()
        given = request.headers.get(self.HEADER, "").strip()
        if not given:
            raise _missing()
        if not given.startswith("sha256="):
            given = "sha256=" + given
        if not hmac.compare_digest(given.lower().encode(), self.sign(body, settings.sms_json_secret).encode()):
            raise _invalid()
        try:
            doc = json.loads(body)
            sender, text, event, sent = str(doc["from"]), str(doc["text"]), str(doc["id"]), float(doc["timestamp"])
        except (ValueError, KeyError, TypeError):
            raise ApiError(400, "bad-event", "Thân yêu cầu cần JSON với from, text, id, timestamp.",
                           "The body must be JSON with from, text, id, timestamp.") from None
        return Inbound(sender=sender, text=text, event=f"json:{event}", sent=sent)

    def respond(self, inbound: Inbound, text: str) -> Response:
        return JSONResponse({"to": inbound.sender, "text": text, "parts": len(gsm7.segments(text))})


GATEWAYS: dict[str, Gateway] = {g.name: g for g in (Esms(), SignedJson())}


def check_age(inbound: Inbound, settings: Settings, now: float | None = None) -> None:
    if abs((time.time() if now is None else now) - inbound.sent) > settings.lookup_max_age_seconds:
        raise ApiError(401, "stale-event", "Tin nhắn quá cũ (hơn 5 phút) hoặc sai giờ; không xử lý.",
                       "The message is stale (over 5 minutes old) or its clock is wrong; not processed.")
