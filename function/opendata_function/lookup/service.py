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

    def seen_before(self, event: str) -> bool:
        key = hashlib.sha256(f"{self.settings.lookup_hash_key}:{event}".encode()).hexdigest()
        return not records.first_time(self.store, key)

    def handle(self, channel: str, who: str, text: str, style: answers.Style) -> answers.Answer:
        """Answer one message from `who` (a phone number or Zalo user id) on `channel` ("sms"/"zalo")."""
        if time.monotonic() >= self._next_purge:
            self._next_purge = time.monotonic() + PURGE_SECONDS
            records.purge(self.store)
        wait = records.take(self.store, self.sender(channel, who), self.settings.lookup_per_hour)
        if wait:
            answer = answers.refusal(style, wait)
        else:
            data = self.data
            help_page = (data.portal_url + HELP_PAGE) if data and data.portal_url else ""
            answer = answers.answer(grammar.parse(text), data, style, help_page)
        records.count(self.store, channel=channel, command=answer.command, dataset=answer.dataset,
                      answered=answer.answered, utc_offset_hours=self.settings.utc_offset_hours)
        return answer
