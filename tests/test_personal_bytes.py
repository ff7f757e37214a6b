"""The personal-data check rules a column out from its bytes (no digit: no number or date; no "@": no e-mail)
only when no cell could match: findings are those of the patterns run on every cell."""

from __future__ import annotations

import pyarrow as pa

from generator.gate.personal import _text_bytes, find_personal_data

EMAILS = [f"nguoi.dan{i}@gmail.com" for i in range(10)]
PHONES = [f"09{i:08d}" for i in range(10)]


def test_a_slice_is_searched_in_its_own_bytes_only():
    column = pa.chunked_array([pa.array(["x@y.vn", "a", "b"]).slice(1), pa.array(["c", None])])
    assert _text_bytes(column) == b"abc"
    assert _text_bytes(pa.array(["đ", "1"], pa.large_string())) == "đ1".encode()


def test_findings_are_the_patterns_own_whatever_the_column_holds():
    table = pa.table({
        "email": pa.chunked_array([pa.array(["khong co"] * 3 + EMAILS).slice(3)]),
        "dien_thoai": PHONES,
        "ghi_chu": ["không số, không thư"] * 10,
        "ma_so": pa.array(["a@b"] + ["x"] * 10).slice(1),  # the only "@" lies outside the slice
    })
    kinds = {(c.field, c.kind, c.matches) for c in find_personal_data(table)}
    assert kinds == {("email", "email", 10), ("dien_thoai", "phone", 10)}
