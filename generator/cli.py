"""The `opendata` command. Verbs match the docs: build, serve, verify, validate, infer, new, withdraw, keys, report, codeowners.

Exit codes: 0 success, 1 the input has errors, 2 usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from generator.problems import InputError


def _build(args: argparse.Namespace) -> int:
    from generator.build.pipeline import build
    from generator.progress import Progress

    started = time.perf_counter()
    function_url = getattr(args, "function_url", None)
    if function_url:
        from generator.portal.catalog import function_url_problem

        problem = function_url_problem(function_url)
        if problem:
            print(f"LỖI/ERROR --function-url “{function_url}” {problem[0]}\n  ({problem[1]})", file=sys.stderr)
            return 2
    progress = Progress()
    try:
        result = build(Path(args.root), Path(args.out), base_url=args.base_url, function_url=function_url,
                       progress=progress)
    except InputError as exc:
        progress.close()
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        print(f"\nBản dựng thất bại: {len(exc.problems)} lỗi; trang đã công bố không thay đổi.\n"
              f"(Build failed: {len(exc.problems)} error(s); the published site is unchanged.)", file=sys.stderr)
        return 1
    except OSError as exc:  # a full disk, a read-only or vanished output folder: the last good site stays
        progress.close()
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"LỖI/ERROR {args.out}: không ghi được trang: {exc.strerror or exc}{where}.\n"
              f"  (cannot write the site: {exc.strerror or exc}{where}.)\n"
              f"  Cách sửa: giải phóng dung lượng ổ đĩa hoặc cấp quyền ghi vào thư mục chứa {args.out}, rồi dựng lại.\n"
              f"  (Fix: free disk space or allow writing to the folder that holds {args.out}, then build again.)\n"
              "Bản dựng thất bại; trang đã công bố không thay đổi. (Build failed; the published site is unchanged.)",
              file=sys.stderr)
        return 1
    progress.close()
    for problem in result.warnings:
        print(problem.format(), file=sys.stderr)
    p = result.portfolio
    print(f"Đã dựng {len(p.datasets)} bộ dữ liệu vào {args.out} trong {time.perf_counter() - started:.1f} giây "
          f"(built {len(p.datasets)} datasets into {args.out}).")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from generator.publish.downloads.manifest import verify

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


def _validate(args: argparse.Namespace) -> int:
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


def _infer(args: argparse.Namespace) -> int:
    from generator.tables.infer import main as infer_main

    return infer_main(args.rest)


def _codeowners(args: argparse.Namespace) -> int:
    from generator.ops.codeowners import main as codeowners_main
    from generator.problems import InputError

    try:
        return codeowners_main(Path(args.root), args.check)
    except InputError as exc:
        for problem in exc.problems:
            print(problem.format(), file=sys.stderr)
        return 1


def _report(args: argparse.Namespace) -> int:
    import datetime as dt

    if args.report == "links":
        from generator.ops.linkcheck import main as links_main

        return links_main(Path(args.root), args.timeout)

    from generator.ops.review import catalogue_review

    today = dt.date.fromisoformat(args.today) if args.today else None
    text, due = catalogue_review(Path(args.root), today)
    print(text)
    return 1 if due else 0


def _keys(args: argparse.Namespace) -> int:
    try:
        from opendata_function.operator_cli import main as keys_main
    except ImportError:
        print("LỖI/ERROR: chưa cài hàm API của cổng (the function is not installed): "
              "pip install -e './function[postgres]'", file=sys.stderr)
        return 2
    from generator.commands.serve import LOCAL_STORE

    # Without --database-url or DATABASE_URL: the store `opendata serve` runs the function on.
    return keys_main(args.rest, default_url=f"sqlite:///{LOCAL_STORE.resolve()}")


def _withdraw(args: argparse.Namespace) -> int:
    from generator.ops.withdraw import withdraw

    return withdraw(Path(args.root), args.dataset, args.reason, args.date)


def _new(args: argparse.Namespace) -> int:
    from generator.commands.new import main as new_main

    # `opendata new FILE…` without a code: the first argument is a file, not a catalogue code.
    if args.code and ("." in args.code or "/" in args.code or Path(args.code).exists()):
        args.files.insert(0, args.code)
        args.code = None
    return new_main(args)


def _serve(args: argparse.Namespace) -> int:
    from generator.commands.serve import function_installed, serve, start_function

    run_function = not args.no_function and function_installed()
    if not args.no_function and not run_function:
        print("Chưa cài hàm API nên biểu mẫu đăng ký và góp ý dùng thư điện tử; cài bằng "
              "pip install -e './function[postgres]' (make serve cài sẵn).\n(The function is not installed: the "
              "site mails instead of showing the registration and feedback forms.)", file=sys.stderr)
    if not args.no_build:
        args.base_url = f"http://{args.host}:{args.port}/"
        # The local site talks to the local function, never to a deployed one ("" = the mail fallback).
        args.function_url = f"http://{args.host}:{args.function_port}" if run_function else ""
        code = _build(args)
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


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="opendata", description="Cổng dữ liệu mở sinh từ git (open data portal generated from git).")
    sub = ap.add_subparsers(dest="command", required=True, metavar="VERB")

    b = sub.add_parser("build", help="dựng trang tĩnh vào site/ (build the static site)")
    b.add_argument("--root", default=".", help="thư mục cổng: catalog/, data/, mkdocs.yml (portal root)")
    b.add_argument("--out", default="site", help="thư mục đầu ra (output folder, default site/)")
    b.add_argument("--base-url", default=None, help="địa chỉ gốc thay cho base_url trong catalog/portal.yaml")
    b.add_argument("--function-url", default=None,
                   help="địa chỉ hàm API thay cho function_url trong catalog/portal.yaml; \"\" = không dùng hàm "
                        "(the function's URL instead of portal.yaml's; \"\" = build without it)")
    b.set_defaults(func=_build)

    s = sub.add_parser("serve", help="dựng rồi phục vụ trang tại http://127.0.0.1:8000, kèm hàm API tại :8787 "
                                     "(build and serve the site, with the function beside it)")
    s.add_argument("--root", default=".")
    s.add_argument("--out", default="site")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--no-build", action="store_true", help="phục vụ site/ có sẵn (serve the existing site/)")
    s.add_argument("--function-port", type=int, default=8787,
                   help="cổng của hàm API chạy kèm (the local function's port, default 8787)")
    s.add_argument("--no-function", action="store_true",
                   help="không chạy hàm API: góp ý và đăng ký qua thư điện tử (no function: forms fall back to email)")
    s.set_defaults(func=_serve)

    c = sub.add_parser("validate", help="kiểm tra dữ liệu trước khi công bố (validate before publishing)")
    c.add_argument("paths", nargs="*", metavar="PATH",
                   help="chỉ kiểm tra các thư mục bộ dữ liệu này, ví dụ data/so-gddt/truong-thpt "
                        "(only these dataset folders; an agency folder names all of its datasets)")
    c.add_argument("--root", default=".")
    c.add_argument("--format", choices=["text", "json", "markdown"], default="text")
    c.add_argument("--author", default=None, help="tài khoản GitHub của người gửi thay đổi (who made the change)")
    c.add_argument("--changed-since", default=None, metavar="REF",
                   help="chỉ kiểm tra bộ dữ liệu thay đổi từ REF (only datasets changed since REF)")
    c.add_argument("--offline", action="store_true", help="không kiểm tra API qua mạng (skip network checks, reported)")
    c.add_argument("--max-errors", type=int, default=1000, help="số lỗi tối đa ghi cho mỗi bảng (errors recorded per table)")
    c.set_defaults(func=_validate)

    i = sub.add_parser("infer", help="soạn đặc tả Table Schema cho một bảng (draft a Table Schema)", add_help=False)
    i.add_argument("rest", nargs=argparse.REMAINDER)
    i.set_defaults(func=_infer)

    o = sub.add_parser("codeowners", help="sinh .github/CODEOWNERS từ catalog/ (generate CODEOWNERS from catalog/)")
    o.add_argument("--root", default=".")
    o.add_argument("--check", action="store_true", help="chỉ kiểm tra, lỗi nếu lỗi thời (fail if out of date)")
    o.set_defaults(func=_codeowners)

    r = sub.add_parser("report", help="báo cáo và nhắc việc định kỳ (reports and scheduled reminders)")
    rsub = r.add_subparsers(dest="report", required=True, metavar="REPORT")
    cr = rsub.add_parser("catalogue-review", help="nhắc rà soát danh mục sáu tháng, bộ dữ liệu quá hạn (exit 1 if due)")
    cr.add_argument("--root", default=".")
    cr.add_argument("--today", default=None, help="ngày tính (YYYY-MM-DD), mặc định hôm nay")
    cr.set_defaults(func=_report)
    lk = rsub.add_parser("links", help="kiểm tra mọi địa chỉ ra ngoài: API, giấy phép, nguồn, trang cơ quan (exit 1 if broken)")
    lk.add_argument("--root", default=".")
    lk.add_argument("--timeout", type=float, default=10.0, help="giây chờ mỗi địa chỉ (seconds per address)")
    lk.set_defaults(func=_report)

    k = sub.add_parser("keys", help="tài khoản API, góp ý, sao lưu (API accounts, feedback, backups)", add_help=False)
    k.add_argument("rest", nargs=argparse.REMAINDER)
    k.set_defaults(func=_keys)

    n = sub.add_parser("new", help="tạo bộ dữ liệu từ mục danh mục và tệp của cơ quan (scaffold a dataset)",
                       description="Tạo thư mục, datapackage.yaml và đặc tả bảng từ một mục danh mục và các tệp; hỏi "
                                   "những gì còn thiếu. Scaffold a dataset from a catalogue entry and files; asks for what "
                                   "is missing (every question has a flag; --no-input for scripts).")
    n.add_argument("code", nargs="?", help="mã danh mục, ví dụ VP-YT-002 (catalogue code)")
    n.add_argument("files", nargs="*", help="tệp dữ liệu: csv, xlsx, xls, pdf, docx, doc (data files)")
    n.add_argument("--api", action="append", metavar="URL", help="địa chỉ API https:// (an API resource; repeatable)")
    n.add_argument("--agency", help="mã cơ quan, để lọc danh mục (agency id)")
    n.add_argument("--id", help="mã bộ dữ liệu = tên thư mục (dataset id; default from the entry's title)")
    n.add_argument("--title", help="tên bộ dữ liệu (default: the entry's title)")
    n.add_argument("--title-en", help="tên tiếng Anh (English title)")
    n.add_argument("--description", help="mô tả (default: the entry's description)")
    n.add_argument("--keywords", help="từ khóa, cách nhau bằng dấu phẩy (comma-separated keywords)")
    n.add_argument("--licence", help="mã giấy phép trong catalog/licences.yaml (default: the portal's)")
    n.add_argument("--frequency", help="tần suất cập nhật (default: the entry's)")
    n.add_argument("--contact-name", help="đầu mối liên hệ (default: the agency)")
    n.add_argument("--contact-email", help="email liên hệ (default: the agency's)")
    n.add_argument("--contact-phone", help="điện thoại liên hệ")
    n.add_argument("--replace", action="store_true",
                   help="mục đã có bộ dữ liệu: làm lại từ các tệp này, giữ câu trả lời cũ (make the dataset again, "
                        "keeping its answers)")
    n.add_argument("--keep-totals", action="store_true",
                   help="giữ dòng tổng trong dữ liệu (keep total rows as data; default: ask, else leave them out)")
    n.add_argument("--keep-notes-sheets", action="store_true",
                   help="giữ trang ghi chú, hướng dẫn làm tài nguyên (keep notes sheets; default: ask, else leave them out)")
    n.add_argument("--no-input", action="store_true", help="không hỏi, dùng giá trị mặc định (never prompt; for scripts)")
    n.add_argument("--root", default=".")
    n.set_defaults(func=_new)

    w = sub.add_parser("withdraw", help="rút một bộ dữ liệu khỏi cổng (take a dataset off the site, Article 13.1)")
    w.add_argument("dataset", help="mã bộ dữ liệu (dataset id)")
    w.add_argument("--reason", required=True, help="lý do rút (why)")
    w.add_argument("--date", default=None, help="ngày rút YYYY-MM-DD (mặc định hôm nay)")
    w.add_argument("--root", default=".")
    w.set_defaults(func=_withdraw)

    v = sub.add_parser("verify", help="kiểm tra mã băm mọi tệp theo manifest.json (verify checksums)")
    v.add_argument("site", nargs="?", default="site")
    v.set_defaults(func=_verify)
    return ap


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # `keys` and `infer` parse their own arguments, options first included
    # (`opendata keys --database-url URL feedback list`), which argparse's REMAINDER would refuse.
    if argv and argv[0] in ("keys", "infer"):
        return {"keys": _keys, "infer": _infer}[argv[0]](argparse.Namespace(rest=argv[1:]))
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
