"""The `opendata` command: the argument parser, and a dispatch to the verb's module in `generator.commands`.

Each verb module has `HELP`, `arguments(parser)` and `run(args) -> int`; the order below is the help's.
Exit codes: 0 success, 1 the input has errors, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys

from generator.commands import (build, codeowners, infer, keys, new, report, serve, units, validate, verify,
                                withdraw)

VERBS = {"build": build, "serve": serve, "validate": validate, "infer": infer, "codeowners": codeowners,
         "report": report, "keys": keys, "new": new, "withdraw": withdraw, "verify": verify, "units": units}


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="opendata", description="Cổng dữ liệu mở sinh từ git (open data portal generated from git).")
    sub = ap.add_subparsers(dest="command", required=True, metavar="VERB")
    for name, verb in VERBS.items():
        p = sub.add_parser(name, help=verb.HELP, description=getattr(verb, "DESCRIPTION", None),
                           add_help=not getattr(verb, "OWN_ARGUMENTS", False))
        verb.arguments(p)
        p.set_defaults(run=verb.run)
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # A verb that parses its own arguments gets them as they are, options first included
    # (`opendata keys --database-url URL feedback list`), which argparse's REMAINDER would refuse.
    if argv and getattr(VERBS.get(argv[0]), "OWN_ARGUMENTS", False):
        return VERBS[argv[0]].run(argparse.Namespace(rest=argv[1:]))
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
