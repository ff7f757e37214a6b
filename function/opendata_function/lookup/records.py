"""What the look-up keeps in the function's store (SQLite or PostgreSQL), and for how long.

- lookup_counts: one count per day, channel, command, dataset and answered-or-not, for the yearly
  reports; no phone number, no user id, no message text. Kept as long as the reports need them.
- lookup_limits: the rate limit, one row per sender and hour; the sender is a keyed hash (HMAC-SHA256
  with OPENDATA_LOOKUP_HASH_KEY) of the channel and the phone number or Zalo user id, never the number.
  Rows older than a day are deleted.
- lookup_seen: the events already answered (a keyed hash of the gateway's message id or the Zalo
  signature), so a replayed event is refused. Rows older than a day are deleted (events older than
  five minutes are refused as stale anyway).
Message texts are never stored: a command is answered and forgotten.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
from typing import Callable

from ..errors import ValidationFailed
from ..store import Store, Tx

KEEP_HOURS = 24


def sender_hash(key: str, channel: str, sender: str) -> str:
    """One phone number or Zalo user, pseudonymised: the same on every instance sharing the key."""
    return hmac.new(key.encode(), f"{channel}:{sender}".encode(), hashlib.sha256).hexdigest()


def _utc(moment: dt.datetime | None = None) -> dt.datetime:
    return moment or dt.datetime.now(dt.timezone.utc)


def _hit(tx: Tx, sender: str, per_hour: int, moment: dt.datetime) -> int:
    row = tx.one("INSERT INTO lookup_limits (sender, hour, hits) VALUES (?, ?, 1) ON CONFLICT (sender, hour) "
                 "DO UPDATE SET hits = lookup_limits.hits + 1 RETURNING hits", (sender, moment.strftime("%Y-%m-%dT%H")))
    hits = int(row["hits"]) if row else 1
    return 0 if hits <= per_hour else 60 - moment.minute


def _mark(tx: Tx, event: str, moment: dt.datetime) -> bool:
    return tx.run("INSERT INTO lookup_seen (event, at) VALUES (?, ?) ON CONFLICT (event) DO NOTHING",
                  (event, moment.replace(microsecond=0).isoformat())) == 1


def _count(tx: Tx, moment: dt.datetime, utc_offset_hours: int, channel: str, command: str, dataset: str,
           answered: bool) -> None:
    day = moment.astimezone(dt.timezone(dt.timedelta(hours=utc_offset_hours))).strftime("%Y-%m-%d")
    tx.run("INSERT INTO lookup_counts (day, channel, command, dataset, answered, lookups) VALUES (?, ?, ?, ?, ?, 1) "
           "ON CONFLICT (day, channel, command, dataset, answered) DO UPDATE SET "
           "lookups = lookup_counts.lookups + 1", (day, channel, command, dataset, int(answered)))


class Replayed(Exception):
    """The event was answered before."""


def admit(store: Store, *, event: str, sender: str, per_hour: int, channel: str, utc_offset_hours: int,
          answer: Callable[[int], tuple[str, str, bool]], now: dt.datetime | None = None) -> None:
    """One message, in one transaction: refuse a replay (Replayed, nothing written), take one from the
    sender's hourly budget, then count what `answer(wait)` says it answered: (command, dataset, answered),
    `wait` being 0 or the minutes until the sender may ask again."""
    moment = _utc(now)
    with store.tx() as tx:
        if not _mark(tx, event, moment):
            raise Replayed(event)
        command, dataset, answered = answer(_hit(tx, sender, per_hour, moment))
        _count(tx, moment, utc_offset_hours, channel, command, dataset, answered)


def take(store: Store, sender: str, per_hour: int, *, now: dt.datetime | None = None) -> int:
    """Count one message of `sender` in this hour; return 0 if allowed, else the minutes until the next hour."""
    with store.tx() as tx:
        return _hit(tx, sender, per_hour, _utc(now))


def first_time(store: Store, event: str, *, now: dt.datetime | None = None) -> bool:
    """Record an event; False if it was seen before (a replay)."""
    with store.tx() as tx:
        return _mark(tx, event, _utc(now))


def purge(store: Store, *, now: dt.datetime | None = None) -> int:
    """Delete rate-limit rows and replay marks older than a day; return how many rows went."""
    moment = _utc(now) - dt.timedelta(hours=KEEP_HOURS)
    with store.tx() as tx:
        gone = tx.run("DELETE FROM lookup_limits WHERE hour < ?", (moment.strftime("%Y-%m-%dT%H"),))
        gone += tx.run("DELETE FROM lookup_seen WHERE at < ?", (moment.replace(microsecond=0).isoformat(),))
    return gone


def report(store: Store, *, year: str | None = None, month: str | None = None) -> list[dict]:
    """Look-ups per day, channel, command, dataset and answered (for the yearly reports)."""
    if month and not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):
        raise ValidationFailed({"month": ("Tháng viết dạng YYYY-MM, ví dụ 2025-03.", "Month is YYYY-MM, e.g. 2025-03.")})
    if year and not re.fullmatch(r"[0-9]{4}", year):
        raise ValidationFailed({"year": ("Năm viết dạng YYYY, ví dụ 2025.", "Year is YYYY, e.g. 2025.")})
    prefix = month or year or ""
    with store.tx() as tx:
        rows = tx.all("SELECT day, channel, command, dataset, answered, lookups FROM lookup_counts WHERE day LIKE ? "
                      "ORDER BY day, channel, command, dataset, answered", (prefix + "%",))
    return [{**r, "answered": bool(r["answered"]), "lookups": int(r["lookups"])} for r in rows]


def get_meta(store: Store, key: str) -> str | None:
    with store.tx() as tx:
        row = tx.one("SELECT value FROM meta WHERE key = ?", (key,))
    return str(row["value"]) if row else None


def set_meta(store: Store, key: str, value: str) -> None:
    with store.tx() as tx:
        tx.run("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
               (key, value))
