"""`opendata validate`: the gate every pull request passes, with its report as text, JSON or Markdown."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "kiểm tra dữ liệu trước khi công bố (validate before publishing)"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="chỉ kiểm tra các thư mục bộ dữ liệu này, ví dụ data/so-gddt/truong-thpt "
                        "(only these dataset folders; an agency folder names all of its datasets)")
    p.add_argument("--root", default=".")
    p.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    p.add_argument("--author", default=None, help="tài khoản GitHub của người gửi thay đổi (who made the change)")
    p.add_argument("--changed-since", default=None, metavar="REF",
                   help="chỉ kiểm tra bộ dữ liệu thay đổi từ REF (only datasets changed since REF)")
    p.add_argument("--offline", action="store_true", help="không kiểm tra API qua mạng (skip network checks, reported)")
    p.add_argument("--max-errors", type=int, default=1000, help="số lỗi tối đa ghi cho mỗi bảng (errors recorded per table)")


def run(args: argparse.Namespace) -> int:
    from generator.gate import report as reports
    from generator.gate.ownership import GitError
    from generator.gate.run import validate
    from generator.progress import Progress

    if args.author and not args.changed_since:
        print("LỖI/ERROR: --author cần --changed-since REF để biết thay đổi nào cần kiểm tra quyền "
              "(--author needs --changed-since REF to know which changes to check).", file=sys.stderr)
        return 2
    root = Path(args.root)
    if args.paths and args.root == "." and not (root / "catalog").is_dir():
        # Run from inside data/ (a clerk in their agency's folder): the portal is the nearest parent with catalog/.
        root = next((parent for parent in Path.cwd().parents if (parent / "catalog").is_dir()), root)
    try:
        progress = Progress()
        try:
            report = validate(root, since=args.changed_since, author=args.author, offline=args.offline,
                              max_errors=args.max_errors, paths=args.paths, progress=progress)
        finally:
            progress.close()
    except GitError as exc:
        print(f"LỖI/ERROR git: {exc}\n  Cách sửa: kiểm tra REF của --changed-since (Fix: check the --changed-since REF).",
              file=sys.stderr)
        return 2
    render = {"text": reports.to_text, "json": reports.to_json, "markdown": reports.to_markdown}[args.format]
    print(render(report))
    return 0 if report.valid else 1
