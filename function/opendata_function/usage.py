"""Use counted per key, dataset and month (Articles 11.4, 13.4: the yearly reports read it).

Counting in memory and writing in batches keeps the store off the hot path: one upsert per
(key, dataset, month) every few seconds instead of a write per request. A failed write keeps the counts
for the next attempt, so nothing is lost or counted twice.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections import defaultdict
from typing import Any

from .errors import ValidationFailed
from .store import Store, now


def month_of(moment: dt.datetime, utc_offset_hours: int) -> str:
    return (moment.astimezone(dt.timezone(dt.timedelta(hours=utc_offset_hours)))).strftime("%Y-%m")


class UsageCounter:
    def __init__(self, utc_offset_hours: int = 7) -> None:
        self._offset = utc_offset_hours
        self._counts: dict[tuple[int, str, str], list[int]] = defaultdict(lambda: [0, 0])
        self._last_used: dict[int, str] = {}
        self._lock = threading.Lock()
        self._month = ("", 0.0)

    def _current_month(self) -> str:
        # The month changes rarely: compute it once a minute, not per request.
        text, until = self._month
        now_ts = dt.datetime.now(dt.timezone.utc)
        if now_ts.timestamp() >= until:
            text = month_of(now_ts, self._offset)
            self._month = (text, now_ts.timestamp() + 60)
        return text

    def count(self, account_id: int, dataset: str, rows: int) -> None:
        with self._lock:
            cell = self._counts[(account_id, dataset, self._current_month())]
            cell[0] += 1
            cell[1] += rows
            self._last_used[account_id] = ""

    def pending(self) -> int:
        return len(self._counts)

    def flush(self, store: Store) -> int:
        """Add the counts to the store in one transaction; return how many cells were written."""
        with self._lock:
            counts, self._counts = self._counts, defaultdict(lambda: [0, 0])
            used, self._last_used = self._last_used, {}
        if not counts and not used:
            return 0
        stamp = now()
        try:
            with store.tx() as tx:
                for (account_id, dataset, month), (requests, rows) in sorted(counts.items()):
                    tx.run("INSERT INTO key_usage (account_id, dataset, month, requests, rows_returned) "
                           "VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, dataset, month) DO UPDATE SET "
                           "requests = key_usage.requests + excluded.requests, "
                           "rows_returned = key_usage.rows_returned + excluded.rows_returned",
                           (account_id, dataset, month, requests, rows))
                for account_id in sorted(used):
                    tx.run("UPDATE accounts SET last_used = ? WHERE id = ?", (stamp, account_id))
        except Exception:
            with self._lock:  # put them back for the next flush
                for key, (requests, rows) in counts.items():
                    cell = self._counts[key]
                    cell[0] += requests
                    cell[1] += rows
                self._last_used.update(used)
            raise
        return len(counts)


def report(store: Store, *, year: str | None = None, month: str | None = None,
           by_account: bool = False) -> list[dict[str, Any]]:
    """Use per dataset and month (optionally per account too), for the yearly reports."""
    if month and not re.fullmatch(r"[0-9]{4}-[0-9]{2}", month):
        raise ValidationFailed({"month": ("Tháng viết dạng YYYY-MM, ví dụ 2025-03.", "Month is YYYY-MM, e.g. 2025-03.")})
    if year and not re.fullmatch(r"[0-9]{4}", year):
        raise ValidationFailed({"year": ("Năm viết dạng YYYY, ví dụ 2025.", "Year is YYYY, e.g. 2025.")})
    where, args = [], []
    if month:
        where.append("month = ?")
        args.append(month)
    elif year:
        where.append("month LIKE ?")
        args.append(f"{year}-%")
    keys = "dataset, month" + (", account_id" if by_account else "")
    sql = (f"SELECT {keys}, SUM(requests) AS requests, SUM(rows_returned) AS rows_returned, "
           f"COUNT(DISTINCT account_id) AS accounts FROM key_usage")
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" GROUP BY {keys} ORDER BY month, dataset" + (", account_id" if by_account else "")
    with store.tx() as tx:
        return [{k: (int(v) if k in ("requests", "rows_returned", "accounts", "account_id") else v)
                 for k, v in row.items()} for row in tx.all(sql, args)]
