"""Serve a built site locally (for development; production uses any static host)."""

from __future__ import annotations

import functools
import http.server
from pathlib import Path


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8",
                      ".jsonld": "application/ld+json", ".ttl": "text/turtle; charset=utf-8"}

    def log_message(self, format: str, *args: object) -> None:  # quieter console
        pass


def serve(site: Path, host: str, port: int) -> int:
    handler = functools.partial(_Handler, directory=str(site))
    with http.server.ThreadingHTTPServer((host, port), handler) as server:
        print(f"Đang phục vụ {site} tại http://{host}:{port}/ (Ctrl+C để dừng; serving, Ctrl+C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0
