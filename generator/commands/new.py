"""`opendata new [CODE] FILE…`: scaffold a dataset from its catalogue entry and the agency's files (the dialogue
itself is `generator.portal.scaffold`)."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "tạo bộ dữ liệu từ mục danh mục và tệp của cơ quan (scaffold a dataset)"
DESCRIPTION = ("Tạo thư mục, datapackage.yaml và đặc tả bảng từ một mục danh mục và các tệp; hỏi những gì còn thiếu. "
               "Scaffold a dataset from a catalogue entry and files; asks for what is missing (every question has a "
               "flag; --no-input for scripts).")


def arguments(n: argparse.ArgumentParser) -> None:
    n.add_argument("code", nargs="?", help="mã danh mục, ví dụ VP-YT-002 (catalogue code)")
    n.add_argument("files", nargs="*", help="tệp dữ liệu: csv, xlsx, xls, pdf, docx, doc (data files)")
    n.add_argument("--api", action="append", metavar="URL", help="địa chỉ API https:// (an API resource; repeatable)")
    n.add_argument("--agency", help="mã cơ quan, để lọc danh mục (agency id)")
    n.add_argument("--id", help="mã bộ dữ liệu = tên thư mục (dataset id; default from the entry's title)")
    n.add_argument("--title", help="tên bộ dữ liệu (default: the entry's title)")
    n.add_argument("--title-en", help="tên tiếng Anh (English title)")
    n.add_argument("--description", help="mô tả (default: the entry's description)")
    n.add_argument("--keywords", help="từ khóa, cách nhau bằng dấu phẩy (comma-separated keywords)")
    n.add_argument("--licence", help="mã giấy phép trong catalog/licences.yaml (default: the portal's)")
    n.add_argument("--frequency", help="tần suất cập nhật (default: the entry's)")
    n.add_argument("--contact-name", help="đầu mối liên hệ (default: the agency)")
    n.add_argument("--contact-email", help="email liên hệ (default: the agency's)")
    n.add_argument("--contact-phone", help="điện thoại liên hệ")
    n.add_argument("--replace", action="store_true",
                   help="mục đã có bộ dữ liệu: làm lại từ các tệp này, giữ câu trả lời cũ (make the dataset again, "
                        "keeping its answers)")
    n.add_argument("--keep-totals", action="store_true",
                   help="giữ dòng tổng trong dữ liệu (keep total rows as data; default: ask, else leave them out)")
    n.add_argument("--keep-notes-sheets", action="store_true",
                   help="giữ trang ghi chú, hướng dẫn làm tài nguyên (keep notes sheets; default: ask, else leave them out)")
    n.add_argument("--no-input", action="store_true", help="không hỏi, dùng giá trị mặc định (never prompt; for scripts)")
    n.add_argument("--root", default=".")


def run(args: argparse.Namespace) -> int:
    from generator.portal.scaffold import from_arguments

    # `opendata new FILE…` without a code: the first argument is a file, not a catalogue code.
    if args.code and ("." in args.code or "/" in args.code or Path(args.code).exists()):
        args.files.insert(0, args.code)
        args.code = None
    return from_arguments(args)
