"""`python -m opendata_function [--host H] [--port P]`: run the function with uvicorn (one worker)."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="opendata-function", description="Run the portal's function (ASGI).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8787)
    parser.add_argument("--site", help="built site folder or URL (default: $OPENDATA_SITE or ./site)")
    parser.add_argument("--log-level", default="info")
    args = parser.parse_args(argv)
    import os

    import uvicorn

    if args.site:
        os.environ["OPENDATA_SITE"] = args.site
    uvicorn.run("opendata_function.app:create_app", factory=True, host=args.host, port=args.port,
                log_level=args.log_level, proxy_headers=False)  # OPENDATA_TRUSTED_PROXIES does it
    return 0


if __name__ == "__main__":
    sys.exit(main())
