"""Build a portal with the real build, and serve a built site on loopback as `opendata serve` does."""

from __future__ import annotations

import http.server
import threading
from contextlib import contextmanager
from pathlib import Path

from generator.commands import serve as local_server
from generator.build.pipeline import BuildResult, build


def build_site(root: Path, out: Path) -> BuildResult:
    return build(root, out)


@contextmanager
def serve(site: Path):
    """Serve a built site on loopback as `opendata serve` does (fetch() of the JSON needs http, not file://)."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), local_server.handler(site))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()

