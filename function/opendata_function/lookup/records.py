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

from ..store import Store
from ..errors import ValidationFailed

KEEP_HOURS = 24


def sender_hash(key: str, channel: str, sender: str) -> str:
    """One phone number or Zalo user, pseudonymised: the same on every instance sharing the key."""
    return hmac.new(key.encode(), f"{channel}:{sender}".encode(), hashlib.sha256).hexdigest()


def _utc(moment: dt.datetime | None = None) -> dt.datetime:
    return moment or dt.datetime.now(dt.timezone.utc)


def take(store: Store, sender: str, per_hour: int, *, now: dt.datetime | None = None) -> int:
    """Count one message of `sender` in this hour; return 0 if allowed, else the minutes until the next hour."""
    moment = _utc(now)
    hour = moment.strftime("%Y-%m-%dT%H")
    with store.tx() as tx:
        row = tx.one("INSERT INTO lookup_limits (sender, hour, hits) VALUES (?, ?, 1) ON CONFLICT (sender, hour) "
                     "DO UPDATE SET hits = lookup_limits.hits + 1 RETURNING hits", (sender, hour))
    hits = int(row["hits"]) if row else 1
    return 0 if hits <= per_hour else 60 - moment.minute


def first_time(store: Store, event: str, *, now: dt.datetime | None = None) -> bool:
    """Record an event; False if it was seen before (a replay)."""
    stamp = _utc(now).replace(microsecond=0).isoformat()
    with store.tx() as tx:
        return tx.run("INSERT INTO lookup_seen (event, at) VALUES (?, ?) ON CONFLICT (event) DO NOTHING",
                      (event, stamp)) == 1


def count(store: Store, *, channel: str, command: str, dataset: str, answered: bool, utc_offset_hours: int,
          now: dt.datetime | None = None) -> None:
    day = _utc(now).astimezone(dt.timezone(dt.timedelta(hours=utc_offset_hours))).strftime("%Y-%m-%d")
    with store.tx() as tx:
        tx.run("INSERT INTO lookup_counts (day, channel, command, dataset, answered, lookups) VALUES (?, ?, ?, ?, ?, 1) "
               "ON CONFLICT (day, channel, command, dataset, answered) DO UPDATE SET "
               "lookups = lookup_counts.lookups + 1", (day, channel, command, dataset, int(answered)))


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
