"""Serve a built site locally, with the function beside it (for development; production uses any static
host for the site and deploys the function on its own, see docs/function.md).

`opendata serve` builds the site pointing at itself (http://127.0.0.1:8000/) and at the local function
(http://127.0.0.1:8787), then runs both: the registration and feedback forms work out of the box. The
function's defaults are embedded: its store is `local/function.db` in the portal folder (git ignores it),
the site it reads is the one just built, and CORS allows the local site. Any OPENDATA_* variable or
DATABASE_URL set in the environment still wins (the site folder excepted).
"""

from __future__ import annotations

import argparse
import sys

import functools
import http.server
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LOCAL_STORE = Path("local") / "function.db"  # under the portal's root; /local/ is in .gitignore


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a static host does: the site's own 404 page, never a directory listing."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8",
                      ".jsonld": "application/ld+json", ".ttl": "text/turtle; charset=utf-8"}

    def log_message(self, format: str, *args: object) -> None:  # quieter console
        pass

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        # A folder without index.html (search/, preview/, …) is not a page.
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


def function_installed() -> bool:
    try:
        import opendata_function.app  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class LocalFunction:
    url: str
    database_url: str
    server: Any
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True  # the lifespan's shutdown writes the usage counts
        self.thread.join(timeout=10)


def function_env(site: Path, root: Path, site_origins: list[str], env: dict[str, str] | None = None) -> dict[str, str]:
    """The function's settings for local use: embedded defaults under whatever the environment sets."""
    env = dict(os.environ if env is None else env)
    env["OPENDATA_SITE"] = str(site.resolve())  # always the site being served
    if not env.get("DATABASE_URL"):
        store = (root / LOCAL_STORE).resolve()
        store.parent.mkdir(parents=True, exist_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{store}"
    origins = [o.strip() for o in env.get("OPENDATA_ALLOWED_ORIGINS", "").split(",") if o.strip()]
    env["OPENDATA_ALLOWED_ORIGINS"] = ",".join(dict.fromkeys(origins + site_origins))  # the local site, always
    env.setdefault("OPENDATA_RELOAD_SECONDS", "2")  # a rebuild in another terminal shows at once
    return env


def start_function(site: Path, root: Path, host: str, port: int, site_origins: list[str]) -> LocalFunction:
    """Run the function (uvicorn, one worker) in a thread of this process."""
    import uvicorn
    from opendata_function.app import create_app
    from opendata_function.settings import Settings

    settings = Settings.from_env(function_env(site, root, site_origins))
    app = create_app(settings)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on",
                                               proxy_headers=False))
    thread = threading.Thread(target=server.run, name="opendata-function", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise OSError(f"the function did not start on {host}:{port} (is the port in use?)")
        time.sleep(0.02)
    return LocalFunction(f"http://{host}:{port}", settings.database_url, server, thread)


def _stop_on_sigterm() -> None:
    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)


def keys_hint(database_url: str) -> str:
    """The `opendata keys` command that reaches this store (never printing a password)."""
    if os.environ.get("DATABASE_URL") == database_url:
        return "opendata keys"  # the environment already points the CLI there
    path = Path(database_url[len("sqlite:///"):])
    try:
        path = path.relative_to(Path.cwd())
    except ValueError:
        pass
    return f"opendata keys --database-url sqlite:///{path.as_posix()}"


def handler(site: Path) -> Any:
    """The request handler for `site` (the tests serve the site through it too)."""
    return functools.partial(_Handler, directory=str(site))


def serve(site: Path, host: str, port: int, function: LocalFunction | None = None) -> int:
    request_handler = handler(site)
    _stop_on_sigterm()
    try:
        with http.server.ThreadingHTTPServer((host, port), request_handler) as server:
            print(f"Đang phục vụ {site} tại http://{host}:{port}/ (Ctrl+C để dừng; serving, Ctrl+C to stop)",
                  flush=True)
            if function is not None:
                print(f"Hàm API (the function): {function.url}/ — đăng ký (register): http://{host}:{port}/dang-ky-api/\n"
                      f"Trả lời góp ý (answer feedback): {keys_hint(function.database_url)} feedback list", flush=True)
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                pass
    finally:
        if function is not None:
            function.stop()
    return 0


HELP = ("dựng rồi phục vụ trang tại http://127.0.0.1:8000, kèm hàm API tại :8787 "
        "(build and serve the site, with the function beside it)")


def arguments(s: argparse.ArgumentParser) -> None:
    s.add_argument("--root", default=".")
    s.add_argument("--out", default="site")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--no-build", action="store_true", help="phục vụ site/ có sẵn (serve the existing site/)")
    s.add_argument("--function-port", type=int, default=8787,
                   help="cổng của hàm API chạy kèm (the local function's port, default 8787)")
    s.add_argument("--no-function", action="store_true",
                   help="không chạy hàm API: góp ý và đăng ký qua thư điện tử (no function: forms fall back to email)")


def run(args: argparse.Namespace) -> int:
    from generator.commands import build

    run_function = not args.no_function and function_installed()
    if not args.no_function and not run_function:
        print("Chưa cài hàm API nên biểu mẫu đăng ký và góp ý dùng thư điện tử; cài bằng "
              "pip install -e './function[postgres]' (make serve cài sẵn).\n(The function is not installed: the "
              "site mails instead of showing the registration and feedback forms.)", file=sys.stderr)
    if not args.no_build:
        args.base_url = f"http://{args.host}:{args.port}/"
        # The local site talks to the local function, never to a deployed one ("" = the mail fallback).
        args.function_url = f"http://{args.host}:{args.function_port}" if run_function else ""
        code = build.run(args)
        if code:
            return code
    function = None
    if run_function:
        origins = [f"http://{args.host}:{args.port}"]
        if args.host in ("127.0.0.1", "localhost"):
            origins += [f"http://127.0.0.1:{args.port}", f"http://localhost:{args.port}"]
        try:
            function = start_function(Path(args.out), Path(args.root), args.host, args.function_port,
                                      list(dict.fromkeys(origins)))
        except OSError as exc:
            print(f"LỖI/ERROR: không chạy được hàm API trên cổng {args.function_port} ({exc}).\n"
                  f"  Cách sửa: chọn cổng khác bằng --function-port, hoặc --no-function "
                  f"(Fix: choose another port with --function-port, or --no-function).", file=sys.stderr)
            return 1
    return serve(Path(args.out), args.host, args.port, function)
