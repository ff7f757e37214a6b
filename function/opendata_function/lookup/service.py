"""The look-up's running state: the published look-up data (reloaded after a build), the Zalo client,
and one path every channel's message takes: rate limit, command, answer, count."""

from __future__ import annotations

import hashlib
import logging
import threading
import time

from ..published import SiteError, Source
from ..settings import Settings
from ..store import Store
from . import answers, grammar, records
from .data import CATALOGUE, LookupData, load
from .zalo import Client

log = logging.getLogger("opendata_function")
HELP_PAGE = "tra-cuu/"  # the grammar's page on the site (generator/publish/pages.py)
PURGE_SECONDS = 3600.0


class Lookup:
    def __init__(self, settings: Settings, store: Store, source: Source) -> None:
        self.settings, self.store, self.source = settings, store, source
        self.zalo = Client(settings, store)
        self._data: LookupData | None = None
        self._digest = ""
        self._next_check = 0.0
        self._next_purge = 0.0
        self._lock = threading.Lock()
        channels = settings.zalo_oa_secret or settings.esms_private_key or settings.sms_json_secret
        if channels and not settings.lookup_hash_key:
            log.warning("OPENDATA_LOOKUP_HASH_KEY (or OPENDATA_OPERATOR_SECRET) is not set: phone numbers are "
                        "hashed without a key, which anyone can reverse by trying every number; set one")

    @property
    def data(self) -> LookupData | None:
        """The published look-up data, read again when a build changed api/v1/lookup.json."""
        now = time.monotonic()
        if now < self._next_check and self._data is not None:
            return self._data
        with self._lock:
            self._next_check = now + self.settings.reload_seconds
            try:
                digest = hashlib.sha256(self.source.read(CATALOGUE, 50 * 1024 * 1024)).hexdigest()
                if digest != self._digest:
                    self._data, self._digest = load(self.source), digest
            except SiteError as exc:  # keep the last good data; without any, answer "not ready"
                log.error("look-up data not loaded: %s", exc)
        return self._data

    def sender(self, channel: str, who: str) -> str:
        return records.sender_hash(self.settings.lookup_hash_key, channel, who)

    def event_key(self, event: str) -> str:
        return hashlib.sha256(f"{self.settings.lookup_hash_key}:{event}".encode()).hexdigest()

    def handle(self, channel: str, who: str, text: str, style: answers.Style, event: str) -> answers.Answer:
        """Answer one message from `who` (a phone number or Zalo user id) on `channel` ("sms"/"zalo").

        `event` names the message (the gateway's id, the Zalo signature): a second time it raises
        records.Replayed and nothing is written. One transaction per message: replay mark, rate
        limit, count."""
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + PURGE_SECONDS
            records.purge(self.store)
        data = self.data
        help_page = (data.portal_url + HELP_PAGE) if data and data.portal_url else ""
        reply = answers.answer(grammar.parse(text), data, style, help_page)  # a few ms, nothing written

        def decide(wait: int) -> tuple[str, str, bool]:
            nonlocal reply
            if wait:
                reply = answers.refusal(style, wait)
            return reply.command, reply.dataset, reply.answered

        records.admit(self.store, event=self.event_key(event), sender=self.sender(channel, who),
                      per_hour=self.settings.lookup_per_hour, channel=channel,
                      utc_offset_hours=self.settings.utc_offset_hours, answer=decide)
        return reply
