"""`opendata report catalogue-review|links`: the scheduled reminders and checks, each with an exit code a
workflow acts on (1: something is due or broken)."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

HELP = "báo cáo và nhắc việc định kỳ (reports and scheduled reminders)"


def arguments(p: argparse.ArgumentParser) -> None:
    sub = p.add_subparsers(dest="report", required=True, metavar="REPORT")
    review = sub.add_parser("catalogue-review",
                            help="nhắc rà soát danh mục sáu tháng, bộ dữ liệu quá hạn (exit 1 if due)")
    review.add_argument("--root", default=".")
    review.add_argument("--today", default=None, help="ngày tính (YYYY-MM-DD), mặc định hôm nay")
    review.set_defaults(report_run=_catalogue_review)
    links = sub.add_parser("links", help="kiểm tra mọi địa chỉ ra ngoài: API, giấy phép, nguồn, trang cơ quan "
                                         "(exit 1 if broken)")
    links.add_argument("--root", default=".")
    links.add_argument("--timeout", type=float, default=10.0, help="giây chờ mỗi địa chỉ (seconds per address)")
    links.set_defaults(report_run=_links)


def run(args: argparse.Namespace) -> int:
    return args.report_run(args)


def _catalogue_review(args: argparse.Namespace) -> int:
    from generator.ops.review import catalogue_review

    today = dt.date.fromisoformat(args.today) if args.today else None
    text, due = catalogue_review(Path(args.root), today)
    print(text)
    return 1 if due else 0


def _links(args: argparse.Namespace) -> int:
    from generator.ops.linkcheck import check, collect, to_markdown

    links = collect(Path(args.root))
    check(links, args.timeout)
    print(to_markdown(links), end="")
    return 0 if all(link.ok for link in links.values()) else 1
