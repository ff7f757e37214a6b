"""`opendata keys stats`: the year's counts for the yearly report, the same on SQLite and PostgreSQL,
years in the province's time zone, no personal data, look-ups not counted reported as not available."""

from __future__ import annotations

import json

from opendata_function import accounts, feedback, stats


def test_yearly_statistics_count_the_year_in_the_provinces_time(store):
    first, _ = accounts.issue(store, full_name="Trần Thị B", email="b@example.vn", actor="test")
    second, _ = accounts.issue(store, full_name="Lê Văn C", email="c@example.vn", actor="test")
    asked = feedback.create(store, {"dataset": "dan-toc-viet-nam", "category": "error", "message": "Thiếu dân tộc Ơ Đu",
                                    "contact": "c@example.vn"})
    other = feedback.create(store, {"dataset": "truong-thpt", "category": "error", "message": "Sai địa chỉ",
                                    "contact": ""})
    with store.tx() as tx:
        # 31 Dec 2025 18:00 UTC is 1 Jan 2026 01:00 in Vĩnh Phúc: an account of 2026.
        tx.run("UPDATE accounts SET created = ? WHERE id = ?", ("2025-12-31T18:00:00Z", first["id"]))
        tx.run("UPDATE accounts SET created = ? WHERE id = ?", ("2025-06-01T00:00:00Z", second["id"]))
        tx.run("UPDATE feedback SET created = ?, answered = ? WHERE id = ?",
               ("2026-03-01T01:00:00Z", "2026-03-03T13:00:00Z", asked["id"]))
        tx.run("UPDATE feedback SET created = ? WHERE id = ?", ("2026-04-01T01:00:00Z", other["id"]))
        for account, dataset, month, n in ((first["id"], "dan-toc-viet-nam", "2026-02", 40),
                                           (second["id"], "dan-toc-viet-nam", "2026-03", 2),
                                           (second["id"], "truong-thpt", "2025-12", 99)):
            tx.run("INSERT INTO key_usage (account_id, dataset, month, requests, rows_returned) VALUES (?, ?, ?, ?, ?)",
                   (account, dataset, month, n, n * 10))
        for day, channel, n in (("2026-01-05", "sms", 3), ("2026-11-30", "sms", 2), ("2026-06-01", "zalo", 4),
                                ("2025-12-31", "zalo", 7)):
            tx.run("INSERT INTO lookup_counts (day, channel, command, dataset, answered, lookups) VALUES (?, ?, ?, ?, ?, ?)",
                   (day, channel, "TRA", "truong-thpt", 1, n))
    data = stats.yearly(store, "2026")
    assert data["accounts"] == {"total": 2, "new": 1, "locked_now": 0}
    assert data["queries"]["requests"] == 42 and data["queries"]["by_dataset"] == {"dan-toc-viet-nam": 42}
    assert (data["queries"]["by_month"]["2026-02"], data["queries"]["by_month"]["2026-03"]) == (40, 2)
    assert data["feedback"]["received"] == 2 and data["feedback"]["answered"] == 1
    assert [i["days_to_answer"] for i in data["feedback"]["items"]] == [2.5, None]
    assert data["lookups"] == {"sms": 5, "zalo": 4}  # the look-up's own daily counts, the year's days only
    text = json.dumps(data, ensure_ascii=False)
    assert "Trần" not in text and "c@example.vn" not in text and "Ơ Đu" not in text
    assert stats.yearly(store, "2025")["accounts"] == {"total": 1, "new": 1, "locked_now": 0}
