"""`POST /lookup/zalo` (the OA webhook) and `/lookup/sms/<gateway>` (SMS gateways, first `esms`)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import ApiError
from ..settings import Settings
from . import answers, records, sms, zalo
from .service import Lookup

log = logging.getLogger("opendata_function")
MAX_BODY = 64 * 1024


def _replayed() -> ApiError:
    return ApiError(409, "replayed", "Sự kiện này đã được xử lý (gửi lại); không trả lời lần nữa.",
                    "This event was already handled (a replay); not answered again.")


def routes(lookup: Lookup, settings: Settings) -> list[Route]:
    def send_quietly(user_id: str, text: str) -> None:
        try:
            lookup.zalo.send(user_id, text)
        except ConnectionError as exc:
            log.error("zalo reply to a user not sent: %s", exc)

    async def zalo_webhook(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            raise ApiError(413, "too-large", "Sự kiện quá lớn.", "The event is too large.")
        event = zalo.verify(body, request.headers.get("x-zevent-signature"), settings)
        # What a user sends that is not text (a sticker, a photo) is answered with the help: never silence.
        if not event.name.startswith("user_send_") or not event.sender:
            return JSONResponse({"ok": True, "ignored": event.name})
        try:
            text = event.text if event.name == "user_send_text" else ""
            answer = await asyncio.to_thread(lookup.handle, "zalo", event.sender, text,
                                             answers.Style(sms=False), "zalo:" + event.signature)
        except records.Replayed:
            raise _replayed() from None
        # Zalo wants the webhook answered at once (within 2 s): the reply goes out after the response.
        return JSONResponse({"ok": True, "command": answer.command},
                            background=BackgroundTask(send_quietly, event.sender, answer.text))

    async def sms_callback(request: Request) -> Response:
        gateway = sms.GATEWAYS.get(request.path_params["gateway"])
        if gateway is None:
            raise ApiError(404, "gateway-not-found", "Không có cổng SMS này.", "No such SMS gateway.",
                           field="gateway")
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            raise ApiError(413, "too-large", "Tin nhắn quá lớn.", "The message is too large.")
        inbound = await gateway.receive(request, settings)
        sms.check_age(inbound, settings)
        try:
            answer = await asyncio.to_thread(lookup.handle, "sms", sms.phone(inbound.sender), inbound.text,
                                             answers.Style(sms=True, parts=settings.sms_parts), inbound.event)
        except records.Replayed:
            raise _replayed() from None
        return gateway.respond(inbound, answer.text)

    return [Route("/lookup/zalo", zalo_webhook, methods=["POST"]),
            Route("/lookup/sms/{gateway}", sms_callback, methods=["GET", "POST"])]


def describe(lookup: Lookup) -> dict[str, Any]:
    data = lookup._data
    return {"loaded": data is not None, "tables": len({t.dataset for t in data.tables.values()}) if data else 0}
