"""`opendata verify [SITE]`: every published file against manifest.json (sha256 and size)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "kiểm tra mã băm mọi tệp theo manifest.json (verify checksums)"


def arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("site", nargs="?", default="site")


def run(args: argparse.Namespace) -> int:
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
