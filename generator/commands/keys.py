"""`opendata keys …`: the function's operator commands (API accounts, feedback, backups), on the local store
`opendata serve` uses unless --database-url or DATABASE_URL says otherwise."""

from __future__ import annotations

import argparse
import sys

HELP = "tài khoản API, góp ý, sao lưu (API accounts, feedback, backups)"
OWN_ARGUMENTS = True  # the function's CLI parses them, options first included


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("rest", nargs=argparse.REMAINDER)


def run(args: argparse.Namespace) -> int:
    try:
        from opendata_function.operator_cli import main as keys_main
    except ImportError:
        print("LỖI/ERROR: chưa cài hàm API của cổng (the function is not installed): "
              "pip install -e './function[postgres]'", file=sys.stderr)
        return 2
    from generator.commands.serve import LOCAL_STORE

    return keys_main(args.rest, default_url=f"sqlite:///{LOCAL_STORE.resolve()}")
