"""The `opendata` command: the argument parser, and a dispatch to the verb's module in `generator.commands`.

Each verb module has `HELP`, `arguments(parser)` and `run(args) -> int`; the order below is the help's.
Exit codes: 0 success, 1 the input has errors, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from types import ModuleType

VERBS = ("build", "serve", "validate", "infer", "codeowners", "report", "keys", "new", "withdraw", "verify", "units")


def verb(name: str) -> ModuleType:
    """The verb's module, imported when it runs: a verb does not pay for the others' imports."""
    return importlib.import_module(f"generator.commands.{name}")


def parser(only: tuple[str, ...] = VERBS) -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="opendata", description="Cổng dữ liệu mở sinh từ git (open data portal generated from git).")
    sub = ap.add_subparsers(dest="command", required=True, metavar="VERB")
    for name in only:
        module = verb(name)
        p = sub.add_parser(name, help=module.HELP, description=getattr(module, "DESCRIPTION", None),
                           add_help=not getattr(module, "OWN_ARGUMENTS", False))
        module.arguments(p)
        p.set_defaults(run=module.run)
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    known = bool(argv) and argv[0] in VERBS
    # A verb that parses its own arguments gets them as they are, options first included
    # (`opendata keys --database-url URL feedback list`), which argparse's REMAINDER would refuse.
    if known and getattr(verb(argv[0]), "OWN_ARGUMENTS", False):
        return verb(argv[0]).run(argparse.Namespace(rest=argv[1:]))
    args = parser((argv[0],) if known else VERBS).parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
