"""`opendata report links`: the weekly link check names each broken address and where it is used."""

from __future__ import annotations

import http.server
import threading

import yaml

from conftest import run_cli


class _Site(http.server.BaseHTTPRequestHandler):
    def _answer(self, body: bool) -> None:
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        elif self.path in ("/ok", "/no-head"):
            self.send_response(200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_HEAD(self):
        self._answer(False)

    def do_GET(self):
        self._answer(True)

    def log_message(self, *args):
        pass


def test_broken_addresses_are_listed_with_the_files_that_use_them(portal):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        path = portal / "data/cuc-thong-ke/dan-toc-viet-nam/datapackage.yaml"
        meta = yaml.safe_load(path.read_text("utf-8"))
        meta["sources"] = [{"title": t, "path": f"{base}/{t}"} for t in ("ok", "gone", "no-head", "moved")]
        path.write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), encoding="utf-8")
        result = run_cli("report", "links", "--root", str(portal), "--timeout", "2")
    finally:
        server.shutdown()
    assert result.returncode == 1  # something is broken: the workflow opens an issue
    broken = [line for line in result.stdout.splitlines() if line.startswith(f"| {base}")]
    assert broken == [f"| {base}/gone | HTTP 404 Not Found | "
                      "data/cuc-thong-ke/dan-toc-viet-nam/datapackage.yaml: sources[2].path |"]
    assert "addresses checked" in result.stdout
    # The answers are recorded for the build's quality scores, which never ask the network themselves.
    from generator.ops.linkcheck import last_check

    record = last_check(portal)
    assert record is not None
    assert (record.reachable(f"{base}/ok"), record.reachable(f"{base}/gone"), record.reachable(f"{base}/moved"),
            record.reachable("https://never.checked.example/")) == (True, False, True, None)
