"""Whether a dataset is updated on time for the frequency it declares (Article 9): one rule for the
reminder, the quality score, the pages and the yearly reports. Dates come from git (Dataset.modified)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from generator.portal.model import Dataset, Portfolio

# Longest acceptable age of a dataset for its declared frequency, in days; "irregular" and "once" have none.
MAX_AGE = {"daily": 2, "weekly": 8, "monthly": 32, "quarterly": 93, "semiannual": 184, "annual": 366}


@dataclass(frozen=True)
class Late:
    dataset: Dataset
    last: dt.date  # last change in git
    due: dt.date  # the day the next update was due
    days: int  # days past `due`

    @property
    def age(self) -> int:
        return (self.due - self.last).days + self.days


def late(d: Dataset, today: dt.date) -> Late | None:
    """How late `d` is on `today`, or None when on time (or with no schedule)."""
    limit = MAX_AGE.get(d.frequency)
    if not limit or not d.modified:
        return None
    last = dt.date.fromisoformat(d.modified[:10])
    due = last + dt.timedelta(days=limit)
    return Late(d, last, due, (today - due).days) if today > due else None


def overdue(portfolio: Portfolio, today: dt.date, agency: str | None = None) -> list[Late]:
    """Every late dataset (of one agency), latest first."""
    found = [x for d in portfolio.datasets if agency in (None, d.agency) and (x := late(d, today))]
    return sorted(found, key=lambda x: (-x.days, x.dataset.id))


def scheduled(d: Dataset) -> bool:
    return d.frequency in MAX_AGE
