"""The function's yearly statistics for the portal's yearly report (Articles 11.4, 13.4).

`opendata keys stats --year Y --format json` writes them; `opendata report yearly --stats FILE` reads
them. Only counts and dates leave the store: no name, contact or message. Years are the province's
(UTC+7 by default). SMS/Zalo look-ups are counted where the store keeps them (the look-up's `lookup_counts` table
with channel, month, requests); without it they are reported as not available (null), never 0.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from .errors import ValidationFailed
from .store import Store, _database_error

FORMAT = "opendata-function-stats"


def _local(stamp: str | None, offset: int) -> dt.datetime | None:
    if not stamp:
        return None
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone(dt.timedelta(hours=offset)))


def yearly(store: Store, year: str, utc_offset_hours: int = 7) -> dict[str, Any]:
    if not re.fullmatch(r"[0-9]{4}", str(year)):
        raise ValidationFailed({"year": ("Năm viết dạng YYYY, ví dụ 2026.", "Year is YYYY, e.g. 2026.")})
    y = int(year)
    with store.tx() as tx:
        accounts = tx.all("SELECT created, status FROM accounts")
        usage = tx.all("SELECT dataset, month, SUM(requests) AS requests, SUM(rows_returned) AS rows_returned "
                       "FROM key_usage WHERE month LIKE ? GROUP BY dataset, month ORDER BY dataset, month",
                       (f"{year}-%",))
        feedback = tx.all("SELECT dataset, created, answered FROM feedback ORDER BY id")
    opened = [(_local(a["created"], utc_offset_hours), a["status"]) for a in accounts]
    by_dataset: dict[str, int] = {}
    by_month: dict[str, int] = {f"{year}-{m:02d}": 0 for m in range(1, 13)}
    rows = 0
    for u in usage:
        by_dataset[u["dataset"]] = by_dataset.get(u["dataset"], 0) + int(u["requests"])
        by_month[u["month"]] = by_month.get(u["month"], 0) + int(u["requests"])
        rows += int(u["rows_returned"])
    items = []
    for f in feedback:
        created, answered = _local(f["created"], utc_offset_hours), _local(f["answered"], utc_offset_hours)
        if created is None or created.year != y:
            continue
        days = round((answered - created).total_seconds() / 86400, 2) if answered else None
        items.append({"dataset": f["dataset"], "received": created.date().isoformat(), "days_to_answer": days})
    return {
        "format": FORMAT, "version": 1, "year": str(year), "utc_offset_hours": utc_offset_hours,
        "accounts": {"total": sum(1 for c, _ in opened if c and c.year <= y),
                     "new": sum(1 for c, _ in opened if c and c.year == y),
                     "locked_now": sum(1 for c, s in opened if c and c.year <= y and s == "locked")},
        "queries": {"requests": sum(by_dataset.values()), "rows_returned": rows,
                    "by_dataset": dict(sorted(by_dataset.items())), "by_month": by_month},
        "feedback": {"received": len(items), "answered": sum(1 for i in items if i["days_to_answer"] is not None),
                     "items": items},
        "lookups": lookups(store, str(year)),
    }


def lookups(store: Store, year: str) -> dict[str, int | None]:
    """Look-ups by SMS and Zalo in the year, where the store counts them; None per channel otherwise."""
    try:
        with store.tx() as tx:
            found = tx.all("SELECT channel, SUM(lookups) AS n FROM lookup_counts WHERE day LIKE ? GROUP BY channel",
                           (f"{year}-%",))
    except Exception as exc:  # no such table (yet): not available, which is not zero
        if not _database_error(exc):
            raise
        return {"sms": None, "zalo": None}
    counts = {str(r["channel"]).lower(): int(r["n"] or 0) for r in found}
    return {"sms": counts.get("sms", 0), "zalo": counts.get("zalo", 0)}
