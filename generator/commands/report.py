"""`opendata report catalogue-review|links|yearly`: the scheduled reminders and checks, each with an exit code a
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
    yearly = sub.add_parser("yearly", help="báo cáo năm của tỉnh hoặc một cơ quan (the yearly report, Articles 11.4, 13.4)")
    yearly.add_argument("--year", type=int, required=True)
    yearly.add_argument("--agency", default=None, help="mã cơ quan; bỏ trống: toàn tỉnh (agency id; default: the province)")
    yearly.add_argument("--format", choices=["html", "xlsx", "docx", "json"], default="html")
    yearly.add_argument("--out", default=None, help="tệp đầu ra (output file; html/json default to the screen)")
    yearly.add_argument("--stats", default=None, help="thống kê của hàm API: opendata keys stats --year Y --format json")
    yearly.add_argument("--gate-log", default=None, help="nhật ký kiểm tra, JSON Lines (gate runs with their dates)")
    yearly.add_argument("--root", default=".")
    yearly.set_defaults(report_run=_yearly)


def run(args: argparse.Namespace) -> int:
    return args.report_run(args)


def _catalogue_review(args: argparse.Namespace) -> int:
    from generator.ops.review import catalogue_review

    today = dt.date.fromisoformat(args.today) if args.today else None
    text, due = catalogue_review(Path(args.root), today)
    print(text)
    return 1 if due else 0


def _links(args: argparse.Namespace) -> int:
    from generator.ops.linkcheck import RECORD, check, collect, record, to_markdown
    from generator.portal.gitinfo import VN_TZ

    links = collect(Path(args.root))
    check(links, args.timeout)
    # The record the build's quality scores read reachability from (never the network during a build).
    record(links, Path(args.root) / RECORD, dt.datetime.now(VN_TZ).replace(microsecond=0).isoformat())
    print(to_markdown(links), end="")
    return 0 if all(link.ok for link in links.values()) else 1


def _yearly(args: argparse.Namespace) -> int:
    import sys

    from generator.ops.yearly import figures
    from generator.ops.yearly.render import default_name, render
    from generator.problems import InputError

    try:
        src = figures.gather(Path(args.root), args.year, args.stats or "", args.gate_log or "")
        f = figures.compute(src, args.year, args.agency)
    except InputError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        return 1
    catalog = src.end.portfolio.catalog  # type: ignore[union-attr]
    kind = catalog.agencies[args.agency or catalog.portal.operator].kind
    data = render(f, args.format, kind)
    if args.out is None and args.format in ("html", "json"):
        sys.stdout.write(data.decode("utf-8"))
        return 0
    target = Path(args.out or default_name(args.year, args.agency, args.format))
    try:
        target.write_bytes(data)
    except OSError as exc:
        print(f"LỖI/ERROR {target}: không ghi được báo cáo ({exc.strerror or exc}).\n"
              f"  (cannot write the report: {exc.strerror or exc}.)\n"
              "  Cách sửa: chọn --out ở thư mục ghi được (Fix: choose an --out in a writable folder).", file=sys.stderr)
        return 1
    print(f"Đã ghi báo cáo năm {args.year} vào {target} (wrote the {args.year} report to {target}).", file=sys.stderr)
    return 0
