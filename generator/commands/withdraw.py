"""`opendata withdraw DATASET --reason …` (Article 13.1, incident response): recorded in catalog/withdrawn.yaml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "rút một bộ dữ liệu khỏi cổng (take a dataset off the site, Article 13.1)"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dataset", help="mã bộ dữ liệu (dataset id)")
    p.add_argument("--reason", required=True, help="lý do rút (why)")
    p.add_argument("--date", default=None, help="ngày rút YYYY-MM-DD (mặc định hôm nay)")
    p.add_argument("--root", default=".")


def run(args: argparse.Namespace) -> int:
    from generator.ops.withdraw import WithdrawRefused, withdraw

    try:
        print(withdraw(Path(args.root), args.dataset, args.reason, args.date))
    except WithdrawRefused as exc:
        print(exc, file=sys.stderr)
        return exc.exit_code
    return 0
