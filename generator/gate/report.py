"""Validation reports: text for people, JSON for machines, Markdown for the pull-request comment."""

from __future__ import annotations

import re
from collections import Counter

from generator.problems import Problem
from generator.text import visible
from generator.gate.run import Report

COMMENT_MARKER = "<!-- opendata-validate-report -->"
SCREEN = 25  # errors shown in a pull-request comment: about one screen

# How to fix each kind of error, once per kind in the comment.
FIXES: dict[str, tuple[str, str]] = {
    "type-error": ("Giá trị không đúng kiểu khai báo trong đặc tả (ví dụ chữ trong cột số). Sửa ô dữ liệu, hoặc sửa “type” của cột.",
                   "A value does not match the field's declared type. Correct the cell, or the field's “type”."),
    "constraint-error": ("Giá trị vi phạm ràng buộc (bắt buộc, danh sách giá trị, mẫu, giới hạn). Sửa ô dữ liệu hoặc ràng buộc.",
                         "A value breaks a constraint (required, enum, pattern, limits). Correct the cell or the constraint."),
    "unique-error": ("Cột yêu cầu giá trị duy nhất nhưng có giá trị lặp. Bỏ dòng trùng.", "A unique field has repeated values. Remove the duplicates."),
    "primary-key": ("Khóa chính bị trùng hoặc để trống. Mỗi dòng cần một khóa riêng.", "The primary key is duplicated or empty. Each row needs its own key."),
    "missing-cell": ("Dòng thiếu ô so với tiêu đề. Bổ sung ô (có thể để trống).", "A row has fewer cells than the header. Add the missing cells (they may be empty)."),
    "extra-cell": ("Dòng thừa ô so với tiêu đề, thường do dấu phẩy trong nội dung chưa đặt trong ngoặc kép.",
                   "A row has more cells than the header, often a comma inside an unquoted value."),
    "blank-row": ("Có dòng trống. Xóa dòng trống.", "There is an empty row. Delete it."),
    "incorrect-label": ("Tiêu đề cột khác tên trong đặc tả. Sửa dòng tiêu đề hoặc “name” trong “fields”, đúng thứ tự.",
                        "A header label differs from the schema's field name. Make them equal, in order."),
    "missing-label": ("Bảng thiếu cột có trong đặc tả.", "The table lacks a column the schema lists."),
    "extra-label": ("Bảng có cột không có trong đặc tả. Thêm cột vào “fields”.", "The table has a column the schema lacks. Add it to “fields”."),
    "duplicate-label": ("Hai cột cùng tiêu đề. Đặt tên khác nhau.", "Two columns share a label. Rename one."),
    "blank-label": ("Có cột không có tiêu đề.", "A column has no header label."),
    "encoding-error": ("Tệp không phải UTF-8. Chạy lệnh chuyển mã được nêu trong lỗi.", "The file is not UTF-8. Run the conversion command given."),
    "format-error": ("Định dạng thật của tệp khác khai báo hoặc không được phép. Lưu lại đúng định dạng (xlsx, csv, docx, pdf).",
                     "The file's real format differs from its declaration or is not allowed. Save it in an allowed format."),
    "macro": ("Tệp chứa macro. Lưu lại dạng .xlsx/.docx không macro.", "The file contains macros. Save it as a macro-free .xlsx/.docx."),
    "active-content": ("PDF chứa JavaScript, thao tác tự chạy, tệp đính kèm hoặc biểu mẫu XFA. In lại thành PDF mới rồi gửi lại.",
                       "The PDF holds JavaScript, automatic actions, attachments or an XFA form. Print it to a new PDF and resubmit."),
    "yaml-refused": ("Tệp YAML vượt giới hạn an toàn (cỡ, độ sâu, bí danh, khóa trùng, ký tự điều khiển). Sửa theo thông báo.",
                     "The YAML file breaks a safety limit (size, depth, aliases, duplicate keys, control characters). Fix as the message says."),
    "encrypted": ("Tệp có mật khẩu. Lưu một bản không đặt mật khẩu.", "The file is password-protected. Save a copy without a password."),
    "corrupt-file": ("Tệp bị hỏng. Mở bằng phần mềm gốc và lưu lại.", "The file is damaged. Open it in its program and save it again."),
    "zip-bomb": ("Tệp nén bất thường (có thể là bom nén). Gửi tệp gốc.", "Abnormal compressed content (possible zip bomb). Send the original file."),
    "personal-data": ("Cột có thể chứa dữ liệu cá nhân. Xóa hoặc ẩn danh cột, hoặc người duyệt ghi quyết định vào “personal_data:”.",
                      "A column may hold personal data. Remove or anonymise it, or a reviewer records a decision under “personal_data:”."),
    "ownership": ("Thay đổi ngoài thư mục của cơ quan mình. Chỉ sửa data/<mã cơ quan của mình>/.",
                  "A change outside your agency's folder. Change only data/<your agency>/."),
    "missing-schema": ("Bảng chưa có đặc tả dữ liệu. Dán bản nháp “schema:” ở dưới vào tài nguyên, rồi đọc lại từng cột.",
                       "A table has no Table Schema. Paste the drafted “schema:” below under the resource, then review it."),
    "missing-metadata": ("Thiếu thông tin bắt buộc trong datapackage.yaml.", "Required metadata is missing from datapackage.yaml."),
}


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
        for code in counts:
            vi, en = FIXES.get(code, ("Xem thông báo lỗi và sửa theo hướng dẫn.", "See the message and fix as it says."))
            out.append(f"- `{code}`: {vi} — *{en}*")
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
