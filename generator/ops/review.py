"""Scheduled reminders (Articles 8.3, 9): the half-yearly catalogue review and overdue datasets.

`opendata report catalogue-review` prints Markdown for an issue and exits 1
when something needs a reviewer's attention, so a scheduled workflow opens
an issue only then.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.build.pipeline import load
from generator.ops.freshness import overdue as late_datasets
from generator.portal.gitinfo import VN_TZ

REVIEW_EVERY = 183  # days: the catalogue is reviewed every six months (Article 8.3)


def review_history(root: Path, current: str = "") -> list[tuple[str, str]]:
    """Every half-yearly review recorded in catalog/catalogue.yaml (its `reviewed:` date) and when it was
    committed, oldest first, read from git; outside git only the current date (with no commit time)."""
    from generator.portal.gitinfo import _git, iso

    log = _git(root, "log", "--reverse", "--format=%x00%ct", "-p", "-U0", "--", "catalog/catalogue.yaml")
    seen: dict[str, str] = {}
    for block in (log or "").split("\x00")[1:]:
        when, _, patch = block.partition("\n")
        for line in patch.splitlines():
            if line.startswith("+reviewed:"):
                value = line[len("+reviewed:"):].split("#")[0].strip().strip("'\"")
                if value and value not in seen:
                    seen[value] = iso(int(when))
    if current and current not in seen:
        seen[current] = ""
    return sorted(seen.items())


def catalogue_review(root: Path, today: dt.date | None = None) -> tuple[str, bool]:
    """Markdown for the reminder issue, and whether anything is due."""
    today = today or dt.datetime.now(VN_TZ).date()
    portfolio, _ = load(root)
    catalog = portfolio.catalog
    due = False
    out = ["## Rà soát danh mục dữ liệu mở (catalogue review)", ""]
    reviewed = dt.date.fromisoformat(catalog.reviewed) if catalog.reviewed else None
    if reviewed is None or (today - reviewed).days >= REVIEW_EVERY:
        due = True
        when = reviewed.strftime("%d/%m/%Y") if reviewed else "chưa có (never)"
        out.append(f"- **Đến hạn rà soát sáu tháng** (review due): lần rà soát gần nhất {when}. "
                   "Sau khi rà soát, cập nhật `reviewed:` trong `catalog/catalogue.yaml`.")
    else:
        out.append(f"- Lần rà soát gần nhất: {reviewed.strftime('%d/%m/%Y')} (last review).")
    history = review_history(root, catalog.reviewed)
    if len(history) > 1:
        out += ["", "### Các lần rà soát (review history)", ""]
        out += [f"- {dt.date.fromisoformat(day).strftime('%d/%m/%Y')}" for day, _ in history]
    published = {d.catalogue for d in portfolio.datasets}
    pending = [e for e in catalog.entries.values() if e.code not in published]
    out += ["", f"### Mục chưa có dữ liệu ({len(pending)}/{len(catalog.entries)}) — entries not yet published", ""]
    out += [f"- `{e.code}` {e.title} — {catalog.agencies[e.agency].name}" for e in pending] or ["- (không có / none)"]
    overdue = [(x.dataset, (today - x.last).days) for x in late_datasets(portfolio, today)]
    out += ["", f"### Bộ dữ liệu quá hạn cập nhật ({len(overdue)}) — datasets overdue for their frequency", ""]
    out += [f"- `{d.rel_folder}` {d.title}: {d.frequency_info.vi}, cập nhật lần cuối "
            f"{d.modified[8:10]}/{d.modified[5:7]}/{d.modified[:4]} ({age} ngày / days)" for d, age in overdue] \
        or ["- (không có / none)"]
    due = due or bool(overdue)
    return "\n".join(out) + "\n", due
