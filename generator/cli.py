"""The `opendata` command. Verbs match the docs: build, serve, verify (more arrive with their issues).

Exit codes: 0 success, 1 the input has errors, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from .errors import InputError


def _build(args: argparse.Namespace) -> int:
    from .build import build

    started = time.perf_counter()
    try:
        result = build(Path(args.root), Path(args.out), base_url=args.base_url)
    except InputError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        print(f"\nBản dựng thất bại: {len(exc.problems)} lỗi; trang đã công bố không thay đổi.\n"
              f"(Build failed: {len(exc.problems)} error(s); the published site is unchanged.)", file=sys.stderr)
        return 1
    for problem in result.warnings:
        print(problem.format(), file=sys.stderr)
    p = result.portfolio
    print(f"Đã dựng {len(p.datasets)} bộ dữ liệu vào {args.out} trong {time.perf_counter() - started:.1f} giây "
          f"(built {len(p.datasets)} datasets into {args.out}).")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from .publish.manifest import verify

    site = Path(args.site)
    if not (site / "manifest.json").is_file():
        print(f"LỖI/ERROR {site}/manifest.json: không có tệp manifest (no manifest file).\n"
              f"  Cách sửa: dựng lại trang bằng “opendata build” (Fix: rebuild the site with “opendata build”).",
              file=sys.stderr)
        return 1
    result = verify(site)
    for rel in result.changed:
        print(f"KHÁC/CHANGED {rel}: mã băm hoặc kích thước khác manifest (sha256 or size differs from the manifest)")
    for rel in result.missing:
        print(f"THIẾU/MISSING {rel}: có trong manifest nhưng không có trên trang (listed in the manifest, not in the site)")
    for rel in result.unlisted:
        print(f"THỪA/UNLISTED {rel}: không có trong manifest (not listed in the manifest)")
    if result.ok:
        print(f"Toàn vẹn: {result.checked} tệp khớp manifest (OK: {result.checked} files match the manifest).")
        return 0
    print(f"Không toàn vẹn: {len(result.changed)} khác, {len(result.missing)} thiếu, {len(result.unlisted)} thừa "
          f"(verification failed).", file=sys.stderr)
    return 1


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    if not args.no_build:
        args.base_url = f"http://{args.host}:{args.port}/"
        code = _build(args)
        if code:
            return code
    return serve(Path(args.out), args.host, args.port)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="opendata", description="Cổng dữ liệu mở sinh từ git (open data portal generated from git).")
    sub = ap.add_subparsers(dest="command", required=True, metavar="VERB")

    b = sub.add_parser("build", help="dựng trang tĩnh vào site/ (build the static site)")
    b.add_argument("--root", default=".", help="thư mục cổng: catalog/, data/, mkdocs.yml (portal root)")
    b.add_argument("--out", default="site", help="thư mục đầu ra (output folder, default site/)")
    b.add_argument("--base-url", default=None, help="địa chỉ gốc thay cho base_url trong catalog/portal.yaml")
    b.set_defaults(func=_build)

    s = sub.add_parser("serve", help="dựng rồi phục vụ trang tại http://127.0.0.1:8000 (build and serve)")
    s.add_argument("--root", default=".")
    s.add_argument("--out", default="site")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--no-build", action="store_true", help="phục vụ site/ có sẵn (serve the existing site/)")
    s.set_defaults(func=_serve)

    v = sub.add_parser("verify", help="kiểm tra mã băm mọi tệp theo manifest.json (verify checksums)")
    v.add_argument("site", nargs="?", default="site")
    v.set_defaults(func=_verify)
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
