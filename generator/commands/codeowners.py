"""`opendata codeowners [--check]`: write .github/CODEOWNERS from catalog/, or fail when it is out of date."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.problems import InputError

HELP = "sinh .github/CODEOWNERS từ catalog/ (generate CODEOWNERS from catalog/)"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=".")
    p.add_argument("--check", action="store_true", help="chỉ kiểm tra, lỗi nếu lỗi thời (fail if out of date)")


def run(args: argparse.Namespace) -> int:
    from generator.ops.codeowners import PATH, is_current, write

    root = Path(args.root)
    try:
        if args.check:
            if is_current(root):
                print(f"{PATH} khớp với catalog/ ({PATH} is up to date).")
                return 0
            print(f"LỖI/ERROR {PATH}: không khớp với catalog/ ({PATH} is out of date with catalog/).\n"
                  f"  Cách sửa: chạy “opendata codeowners” và commit tệp (Fix: run “opendata codeowners” and commit it).")
            return 1
        write(root)
    except InputError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        return 1
    print(f"Đã ghi {PATH} (wrote {PATH}).")
    return 0
