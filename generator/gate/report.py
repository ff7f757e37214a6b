"""Validation reports: text for people, JSON for machines, Markdown for the pull-request comment."""

from __future__ import annotations

import re
from collections import Counter

from generator import codes
from generator.problems import Problem
from generator.text import visible
from generator.gate.run import Report

COMMENT_MARKER = "<!-- opendata-validate-report -->"
SCREEN = 25  # errors shown in a pull-request comment: about one screen

def _counts(problems: list[Problem]) -> Counter:
    return Counter(p.code or "portal-error" for p in problems)


def to_json(report: Report) -> str:
    by_dataset: dict[str, list[Problem]] = {}
    for p in report.problems:
        parts = p.file.split("/")
        key = "/".join(parts[:3]) if parts[0] == "data" and len(parts) >= 3 else parts[0]
        by_dataset.setdefault(key, []).append(p)
    places = sorted(set(report.checked) | set(by_dataset))
    document = {
        "valid": report.valid,
        "stats": {"datasets": report.stats.datasets, "resources": report.stats.resources, "tables": report.stats.tables,
                  "rows": report.stats.rows, "errors": len(report.errors), "warnings": len(report.warnings),
                  "seconds": round(report.stats.seconds, 3)},
        "author": report.author or None,
        "changedSince": report.since or None,
        "errorTypes": dict(sorted(_counts(report.errors).items())),
        "tasks": [{
            "place": place,
            "valid": not any(p.severity == "error" for p in by_dataset.get(place, [])),
            "errors": [p.to_dict() for p in by_dataset.get(place, []) if p.severity == "error"],
            "warnings": [p.to_dict() for p in by_dataset.get(place, []) if p.severity == "warning"],
        } for place in places],
        "drafts": [{"file": d.file, "resource": d.resource, "where": d.where, "schema": d.yaml,
                    "asciiHeader": d.ascii_header} for d in report.drafts],
    }
    # A table with many errors makes a report of many megabytes: orjson writes it several times faster.
    import orjson

    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode("utf-8")


def to_text(report: Report) -> str:
    lines = [p.format() for p in report.errors + report.warnings]
    for draft in report.drafts:
        lines += ["", f"Đặc tả soạn sẵn cho “{draft.resource}” — dán vào {draft.file}, {draft.where} "
                      f"(drafted Table Schema to paste under the resource):", draft.yaml.rstrip("\n")]
    lines.append("")
    lines.append(_verdict(report, markdown=False))
    return "\n".join(lines)


def _verdict(report: Report, markdown: bool) -> str:
    s = report.stats
    ok = report.valid
    head = "✅ Hợp lệ" if ok else "❌ Không hợp lệ"
    head_en = "valid" if ok else "invalid"
    bold = "**" if markdown else ""
    rows = f"{s.rows:,}".replace(",", ".")  # Vietnamese thousands separator
    return (f"{bold}{head}{bold} ({head_en}): {s.datasets} bộ dữ liệu, {s.resources} tài nguyên, {s.tables} bảng, "
            f"{rows} dòng; {len(report.errors)} lỗi, {len(report.warnings)} cảnh báo "
            f"({s.datasets} datasets, {s.tables} tables, {s.rows} rows; {len(report.errors)} errors, "
            f"{len(report.warnings)} warnings) — {s.seconds:.1f} s")


def _md(text: object) -> str:
    """Text from a pull request is shown as text in the comment: no HTML, no table breaks, no mentions."""
    value = visible(str(text).replace("\n", " "))
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|")
    value = re.sub(r"([`*_\[\]#])", r"\\\1", value)
    return value.replace("@", "@\u200b")


def to_markdown(report: Report) -> str:
    out = [COMMENT_MARKER, "## Kết quả kiểm tra dữ liệu (validation report)", "", _verdict(report, markdown=True), ""]
    errors = report.errors
    if errors:
        counts = _counts(errors)
        out.append("| loại lỗi (error type) | số lỗi (count) |")
        out.append("| --- | ---: |")
        out += [f"| `{code}` | {n} |" for code, n in counts.most_common()]
        out += ["", "### Lỗi (errors)", "", "| tệp (file) | vị trí (where) | lỗi | error |", "| --- | --- | --- | --- |"]
        for p in errors[:SCREEN]:
            where = p.where or (f"dòng {p.row}" if p.row else "") + (f", cột {p.field}" if p.field else "")
            out.append(f"| `{_md(p.file)}` | {_md(where)} | {_md(p.vi)} | {_md(p.en)} |")
        if len(errors) > SCREEN:
            out.append(f"\n… và {len(errors) - SCREEN} lỗi khác (and {len(errors) - SCREEN} more): "
                       "chạy `opendata validate` trên máy để xem tất cả (run it locally to see all).")
        out += ["", "### Cách sửa (how to fix)", ""]
        for code in counts:  # once per kind, from the one registry of codes
            entry = codes.REGISTRY[code]
            out.append(f"- `{code}`: {entry.title_vi[:1].upper()}{entry.title_vi[1:]}. {entry.fix_vi[:1].upper()}"
                       f"{entry.fix_vi[1:]} — *{entry.title_en[:1].upper()}{entry.title_en[1:]}. "
                       f"{entry.fix_en[:1].upper()}{entry.fix_en[1:]}*")
    for draft in report.drafts:
        out += ["", f"### Đặc tả soạn sẵn cho `{_md(draft.resource)}` (drafted Table Schema)", "",
                f"Dán vào `{_md(draft.file)}` ngay dưới dòng “path:” của tài nguyên `{_md(draft.resource)}` "
                f"({draft.where}), giữ nguyên thụt lề; rồi đọc lại kiểu, đơn vị và mô tả từng cột. "
                "*Paste it right under the resource's “path:” line, indentation as is, then review each field.*", ""]
        fence = "`" * max(3, max((len(run) for run in re.findall(r"`+", draft.yaml)), default=0) + 1)
        out += [f"{fence}yaml", draft.yaml.rstrip("\n"), fence]
        if draft.ascii_header:
            out += ["", "Tên cột lấy đúng dòng tiêu đề của bảng. Muốn tên không dấu (dễ dùng với API), sửa dòng tiêu "
                    f"đề thành `{_md(','.join(draft.ascii_header))}` và dùng các tên đó. *Field names are the table's own "
                    "header cells; for ASCII names, change the header row as shown and use those names.*"]
    warnings = report.warnings
    if warnings:
        out += ["", f"<details><summary>{len(warnings)} cảnh báo (warnings)</summary>", ""]
        for p in warnings[:SCREEN]:
            out.append(f"- `{_md(p.file)}` {_md(p.where)}: {_md(p.vi)} — *{_md(p.en)}*")
        out += ["", "</details>"]
    out += ["", "Hướng dẫn: `docs/huong-dan-co-quan.md` (agency guide)."]
    return "\n".join(out) + "\n"
