"""`opendata build`: catalog/ + data/ -> site/ (or --out), through the gate; the last good site stays on failure."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from generator.problems import InputError

HELP = "dựng trang tĩnh vào site/ (build the static site)"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--root", default=".", help="thư mục cổng: catalog/, data/, mkdocs.yml (portal root)")
    p.add_argument("--out", default="site", help="thư mục đầu ra (output folder, default site/)")
    p.add_argument("--base-url", default=None, help="địa chỉ gốc thay cho base_url trong catalog/portal.yaml")
    p.add_argument("--function-url", default=None,
                   help="địa chỉ hàm API thay cho function_url trong catalog/portal.yaml; \"\" = không dùng hàm "
                        "(the function's URL instead of portal.yaml's; \"\" = build without it)")


def run(args: argparse.Namespace) -> int:
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
