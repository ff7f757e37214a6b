"""The JSON report is written with orjson (a table with many errors makes megabytes of it); its text is what the
standard library would write for the same document, so any JSON reader and any diff sees the same report."""

from __future__ import annotations

import json

from generator.gate import report as reports
from generator.gate.run import Report
from generator.problems import Problems


def test_the_report_is_the_standard_librarys_json_of_the_same_document():
    found = Problems()
    found.error("data/so-y-te/co-so/bang.csv", "dòng 3, cột “tên”: “Hà Nội\t\x1b[31m” không hợp lệ.",
                "row 3, field “tên”: not valid.", "sửa “ô”.", "fix the cell.", where="dòng 3, cột “tên”",
                code="type-error", resource="bang", row=3, field="tên", cell="\"1,5\"\n𝔸 \u202e")
    found.warning("data/so-y-te/co-so/datapackage.yaml", "cảnh báo", "warning", code="not-nfc")
    found.error("catalog/portal.yaml", "lỗi", "error", row=2**40)
    report = Report(problems=found.items, checked=["data/so-y-te/co-so", "data/so-gddt/truong"], author="ai-do")
    report.stats.rows, report.stats.seconds = 1_000_000, 1.23456
    text = reports.to_json(report)
    document = json.loads(text)
    assert text == json.dumps(document, ensure_ascii=False, indent=2)
    assert "Hà Nội" in text and "\\u001b" in text  # Vietnamese as it is, control characters escaped
    assert [t["place"] for t in document["tasks"]] == ["catalog", "data/so-gddt/truong", "data/so-y-te/co-so"]
    task = document["tasks"][2]
    assert task["errors"][0]["cell"] == "\"1,5\"\n𝔸 \u202e" and task["warnings"][0]["type"] == "not-nfc"
    assert document["stats"]["rows"] == 1_000_000 and document["tasks"][0]["errors"][0]["rowNumber"] == 2**40
